import { FEATURE_NAMES, type FeatureName } from '../../edge/learning/features.ts';
import type { LabelledOutcome } from '../../edge/learning/model-set.ts';
import { mulberry32 } from './mulberry32.ts';

/**
 * Synthetic delivery outcomes with a known ground truth, for testing the learner.
 *
 * Each provider has TRUE weights: P(delivered | x) = σ(bias + Σ w·x). Features are drawn
 * as a verification would produce them (SMTP outcome first, then flags); the label is
 * drawn from the true probability. A learner that works recovers the weights' signs, comes
 * close to the accuracy of the true model on held-out rows, and is calibrated.
 *
 * - other: acceptance means delivery; catch-all is a coin flip; role accounts bounce more.
 * - microsoft: acceptance proves little (tenants that accept all), an avatar helps a lot.
 * - gmail: acceptance is near-certain delivery; a full mailbox still delivers later mostly.
 */
export const TRUE_WEIGHTS: Record<string, { bias: number; w: Partial<Record<FeatureName, number>> }> = {
  other: { bias: -1.5, w: { smtp_accepted: 4.0, catch_all: -2.2, role: -1.0, disposable: -1.5, has_avatar: 1.0, breached: 0.8 } },
  microsoft: { bias: -1.0, w: { smtp_accepted: 1.0, accept_all_provider: -0.5, has_avatar: 2.5, breached: 1.5 } },
  gmail: { bias: -2.5, w: { smtp_accepted: 6.0, mailbox_full: 1.5, has_avatar: 0.5 } },
};


export function trueProbability(provider: string, features: readonly number[]): number {
  const truth = TRUE_WEIGHTS[provider]!;
  let z = truth.bias;
  FEATURE_NAMES.forEach((name, i) => (z += (truth.w[name] ?? 0) * (features[i] ?? 0)));
  return 1 / (1 + Math.exp(-z));
}

export function syntheticOutcomes(count: number, seed: number): LabelledOutcome[] {
  const rand = mulberry32(seed);
  const providers = Object.keys(TRUE_WEIGHTS);
  const out: LabelledOutcome[] = [];
  for (let i = 0; i < count; i++) {
    const provider = providers[Math.floor(rand() * providers.length)]!;
    const on = new Set<FeatureName>();
    const smtp = rand();
    if (smtp < 0.65) on.add('smtp_accepted');
    else if (smtp < 0.85) on.add('smtp_rejected');
    else if (smtp < 0.92) on.add('smtp_temporary');
    else on.add('no_smtp_answer');
    if (on.has('smtp_accepted') && provider === 'other' && rand() < 0.2) on.add('catch_all');
    if (on.has('smtp_accepted') && provider === 'microsoft' && rand() < 0.5) on.add('accept_all_provider');
    if (on.has('smtp_temporary') && rand() < 0.3) on.add('mailbox_full');
    if (rand() < 0.1) on.add('role');
    if (provider === 'other' && rand() < 0.05) on.add('disposable');
    if (provider !== 'other') on.add('free_provider');
    if (rand() < 0.3) on.add('has_avatar');
    if (rand() < 0.25) on.add('breached');
    if (rand() < 0.7) on.add('tls');
    const features = FEATURE_NAMES.map((n) => (on.has(n) ? 1 : 0));
    out.push({ key: `user${i}@${provider}.test`, provider, features, delivered: rand() < trueProbability(provider, features) ? 1 : 0 });
  }
  return out;
}
