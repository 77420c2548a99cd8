import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES, featuresOf } from '../../../edge/learning/features.ts';
import { evaluate } from '../../../edge/learning/evaluate.ts';
import { checkSyntax } from '../../../edge/syntax/index.ts';
import { predict, train } from '../../../edge/learning/logistic.ts';
import { learnedProbability, trainModelSet, MIN_PROVIDER_OUTCOMES } from '../../../edge/learning/model-set.ts';
import { syntheticOutcomes, TRUE_WEIGHTS, trueProbability } from '../../support/synthetic-outcomes.ts';

const idx = (name: (typeof FEATURE_NAMES)[number]) => FEATURE_NAMES.indexOf(name);

describe('logistic regression', () => {
  it('separates a separable toy set and is deterministic', () => {
    const xs = [[0], [0], [1], [1]];
    const ys = [0, 0, 1, 1];
    const a = train(xs, ys);
    expect(predict(a, [1])).toBeGreaterThan(0.8);
    expect(predict(a, [0])).toBeLessThan(0.2);
    expect(train(xs, ys)).toEqual(a);
  });

  it('scores calibration: a perfect forecaster has zero error, a coin has Brier 0.25', () => {
    expect(evaluate([1, 0, 1], [1, 0, 1])).toMatchObject({ accuracy: 1, brier: 0, ece: 0 });
    expect(evaluate([0.5, 0.5], [1, 0]).brier).toBeCloseTo(0.25);
  });
});

describe('per-provider models on synthetic outcomes with known truth', () => {
  const outcomes = syntheticOutcomes(12_000, 7);
  const models = trainModelSet(outcomes, new Date('2026-11-29T00:00:00Z'));

  it('trains one model per provider with enough outcomes, and a global one', () => {
    expect(Object.keys(models.providers).sort()).toEqual(['gmail', 'microsoft', 'other']);
    expect(models.global).not.toBeNull();
    expect(trainModelSet(outcomes.slice(0, MIN_PROVIDER_OUTCOMES - 1), new Date()).global).toBeNull();
  });

  it('recovers the direction of every true weight that matters', () => {
    for (const [provider, truth] of Object.entries(TRUE_WEIGHTS)) {
      const model = models.providers[provider]!;
      for (const [feature, w] of Object.entries(truth.w)) {
        if (Math.abs(w) < 0.8) continue;
        expect(Math.sign(model.weights[idx(feature as never)]!), `${provider}.${feature}`).toBe(Math.sign(w));
      }
    }
  });

  it('comes within two points of the true model on held-out rows, and is calibrated', () => {
    for (const [provider, model] of Object.entries(models.providers)) {
      const rows = outcomes.filter((o) => o.provider === provider);
      const bayes = evaluate(rows.map((r) => trueProbability(provider, r.features)), rows.map((r) => r.delivered));
      expect(model.heldOut.n).toBeGreaterThan(400);
      expect(model.heldOut.accuracy, provider).toBeGreaterThan(bayes.accuracy - 0.02);
      expect(model.heldOut.ece, provider).toBeLessThan(0.05);
    }
  });

  it('learns that acceptance means less at Microsoft than at Gmail', () => {
    const accepted = FEATURE_NAMES.map((n) => (n === 'smtp_accepted' || n === 'free_provider' ? 1 : 0));
    const pGmail = learnedProbability(models, 'gmail', accepted)!;
    const pMicrosoft = learnedProbability(models, 'microsoft', accepted)!;
    expect(pGmail).toBeGreaterThan(0.9);
    expect(pMicrosoft).toBeLessThan(0.6);
    expect(learnedProbability(models, 'unseen-provider', accepted)).toBeCloseTo(predict(models.global!, accepted));
    expect(learnedProbability(null, 'gmail', accepted)).toBeNull();
  });
});

describe('features of the evidence beside the SMTP answer', () => {
  const syntax = checkSyntax('someone@corp.test');
  const on = (checks: Parameters<typeof featuresOf>[0]['checks'], name: (typeof FEATURE_NAMES)[number]) => featuresOf({ checks })[idx(name)];

  it("reads a plugin's accept-everything reading and the catch-all answer as the rewritten reasons were read", () => {
    const accepted = { outcome: 'accepted', reason: 'accepted' } as const;
    expect(on({ syntax, smtp: accepted, signals: [], readings: [{ plugin: 'microsoft', reason: 'accept_all_provider' }] }, 'accept_all_provider')).toBe(1);
    expect(on({ syntax, smtp: { ...accepted, reason: 'accept_all_provider' }, signals: [] }, 'accept_all_provider')).toBe(1);
    expect(on({ syntax, smtp: accepted, signals: [] }, 'accept_all_provider')).toBe(0);
    expect(on({ syntax, smtp: accepted, catch_all: { status: 'yes', cached: false }, signals: [] }, 'catch_all')).toBe(1);
  });
});
