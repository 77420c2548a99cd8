import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES } from '../../../edge/learning/features.ts';
import { createOutcomeStore } from '../../../edge/learning/outcome-store.ts';
import { retrain } from '../../../edge/learning/train-command.ts';
import { VerificationResult } from '../../../protocol/index.ts';
import { harness, plan, TEST_KEY } from '../api/app-harness.ts';
import { syntheticOutcomes } from '../../support/synthetic-outcomes.ts';

function postOutcomes(h: Awaited<ReturnType<typeof harness>>, body: unknown, key = TEST_KEY) {
  return h.app.request('/v1/outcomes', {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('POST /v1/outcomes and the learned score', () => {
  it('needs a key and a valid body', async () => {
    const h = await harness({});
    expect((await postOutcomes(h, { outcomes: [{ email: 'a@b.test', outcome: 'delivered' }] }, 'wrong')).status).toBe(401);
    const bad = await postOutcomes(h, { outcomes: [{ email: 'a@b.test', outcome: 'bounced' }] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toMatch(/outcomes\.0\.outcome/);
    expect((await postOutcomes(h, { outcomes: [] })).status).toBe(400);
  });

  it('stores each outcome with the features of our verification of the address', async () => {
    const h = await harness({ plans: { 'corp.test': plan('corp.test') } });
    expect((await h.verify({ email: 'Jane@corp.test' })).status).toBe(200);
    const res = await postOutcomes(h, {
      outcomes: [
        { email: 'Jane@CORP.test', outcome: 'delivered', observed_at: '2026-11-01T10:00:00Z' },
        { email: 'never.checked@corp.test', outcome: 'hard_bounce' },
        { email: 'not an address', outcome: 'soft_bounce' },
      ],
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ stored: 2, without_verification: 1, invalid: 1 });
    const rows = await h.deps.store.selectFrom('outcomes').selectAll().orderBy('id').execute();
    expect(rows.map((r) => [r.normalized, r.outcome, r.provider])).toEqual([
      ['Jane@corp.test', 'delivered', 'other'],
      ['never.checked@corp.test', 'hard_bounce', null],
    ]);
    const features = JSON.parse(rows[0]!.features_json!) as number[];
    expect(features[FEATURE_NAMES.indexOf('smtp_accepted')]).toBe(1);
    expect(rows[0]!.observed_at).toBe(Date.parse('2026-11-01T10:00:00Z'));
    expect(await createOutcomeStore(h.deps.store).labelled()).toHaveLength(1);
  });

  it('after `model train`, blends the learned probability into SMTP-backed scores only', async () => {
    const h = await harness({ plans: { 'corp.test': plan('corp.test'), 'gone.test': plan('gone.test', 'nxdomain') } });
    const before = VerificationResult.parse(await (await h.verify({ email: 'a@corp.test' })).json());
    const store = createOutcomeStore(h.deps.store);
    await store.add(syntheticOutcomes(3000, 11).map((o) => ({ normalized: o.key, outcome: o.delivered ? 'delivered' : 'hard_bounce', observed_at: 0, provider: o.provider, features: o.features })));
    const { report, models } = await retrain(store, h.clock);
    expect(report).toMatch(/other\s+n=\d+\s+held-out n=\d+\s+accuracy=\d+\.\d%/);
    expect(models.global).not.toBeNull();
    expect(await store.latestModels()).toEqual(models);

    await h.clock.advance(61_000);
    const after = VerificationResult.parse(await (await h.verify({ email: 'b@corp.test', fresh: true })).json());
    expect(after.verdict).toBe(before.verdict);
    expect(after.score).not.toBe(before.score);
    expect(after.reasons.at(-1)).toMatch(/Observed outcomes at similar servers put delivery at \d+%/);
    const dnsDecided = VerificationResult.parse(await (await h.verify({ email: 'x@gone.test' })).json());
    expect(dnsDecided.reasons.join(' ')).not.toMatch(/Observed outcomes/);
  });

  it('reports too few outcomes without saving a model', async () => {
    const h = await harness({});
    const store = createOutcomeStore(h.deps.store);
    const { report } = await retrain(store, h.clock);
    expect(report).toMatch(/not enough outcomes/);
    expect(await store.latestModels()).toBeNull();
  });
});
