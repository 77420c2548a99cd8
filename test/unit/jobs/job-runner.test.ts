import { describe, expect, it } from 'vitest';
import { ItemClaims } from '../../../edge/jobs/item-claims.ts';
import { VerificationResult, type ProbeResult, type ProbeTask, type SmtpCheck } from '../../../protocol/index.ts';
import type { DispatchOutcome } from '../../../edge/dispatch/dispatcher.ts';
import { jobsHarness, plan } from './jobs-harness.ts';
import { portablePacking } from '../../../edge/store/deflate-portable.ts';
import { nodeDeflate } from '../../../edge/adapters/deflate-node.ts';
import { sqliteStore } from '../../../edge/adapters/sqlite-node.ts';
import { memoryStore } from '../api/app-harness.ts';

const plans = { 'a.test': plan('a.test'), 'b.test': plan('b.test') };
const accepted: SmtpCheck = { outcome: 'accepted', reason: 'accepted' };
const greylisted = (retry_after_s?: number): SmtpCheck => ({ outcome: 'temporary', reason: 'greylisted', ...(retry_after_s === undefined ? {} : { retry_after_s }), reply: { code: 450, enhanced: '4.2.0', lines: ['Greylisted'] } });

/** A prober scripted per address: each call takes the next answer for that address (the last one repeats). */
function scripted(byAddress: Record<string, SmtpCheck[]>, catchAll: 'yes' | 'no' | 'unknown' = 'no') {
  const seen = new Map<string, number>();
  return (task: ProbeTask): DispatchOutcome => {
    const result: ProbeResult = {
      task_id: task.id,
      domain: task.domain,
      results: task.addresses.map((a) => {
        const list = byAddress[a.address] ?? [accepted];
        const n = seen.get(a.address) ?? 0;
        seen.set(a.address, n + 1);
        return { id: a.id, address: a.address, smtp: list[Math.min(n, list.length - 1)] as SmtpCheck, signals: [] };
      }),
      catch_all: { status: catchAll, cached: false },
      stats: { connections: 1, commands: 4, round_trips: 4 },
    };
    return { ok: true, result, agent_id: 'agent-0' };
  };
}

describe('JobRunner', () => {
  it('groups by domain: one plan per domain, tasks of taskSize addresses', async () => {
    const h = await jobsHarness({ plans, runner: { taskSize: 50, minTaskSize: 50 } });
    const list = [...Array.from({ length: 120 }, (_, i) => `u${i}@a.test`), ...Array.from({ length: 30 }, (_, i) => `v${i}@b.test`)];
    const id = await h.create(JSON.stringify(list), 'application/json');
    await h.run();
    expect(h.dispatcher.tasks.map((t) => [t.domain, t.addresses.length]).sort()).toEqual([['a.test', 20], ['a.test', 50], ['a.test', 50], ['b.test', 30]]);
    expect(h.resolver.calls.map((c) => c.domain).sort()).toEqual(['a.test', 'b.test']);
    expect(await h.status(id)).toMatchObject({ status: 'completed', total: 150, done: 150, counts: { deliverable: 150 } });
  });

  it('retries a greylisted address at the hinted delay without holding up the rest', async () => {
    const h = await jobsHarness({ plans, answer: scripted({ 'g@a.test': [greylisted(120), accepted] }) });
    const id = await h.create(JSON.stringify(['g@a.test', 'ok@a.test']), 'application/json');
    await h.run();
    const start = h.clock.now();
    expect(await h.status(id)).toMatchObject({ status: 'running', done: 1, waiting_retry: 1, next_retry_at: new Date(start + 120_000).toISOString() });
    await h.advance(119_999);
    expect(h.dispatcher.tasks).toHaveLength(1);
    await h.advance(1);
    expect(h.dispatcher.tasks).toHaveLength(2);
    expect(h.dispatcher.tasks[1]?.addresses.map((a) => a.address)).toEqual(['g@a.test']);
    expect(await h.status(id)).toMatchObject({ status: 'completed', done: 2, waiting_retry: 0, counts: { deliverable: 2 } });
  });

  it('asks again when the catch-all probes were greylisted, and reports the open check meanwhile', async () => {
    const tasks = new Set<string>();
    const answer = (task: ProbeTask): DispatchOutcome => {
      const out = scripted({})(task);
      if (!out.ok) return out;
      tasks.add(task.id);
      const open = tasks.size === 1;
      return { ...out, result: { ...out.result, catch_all: open ? { status: 'unknown', cached: false, open: true } : { status: 'yes', cached: false } } };
    };
    const h = await jobsHarness({ plans, answer });
    const id = await h.create(JSON.stringify(['c@a.test']), 'application/json');
    await h.run();
    expect(await h.status(id)).toMatchObject({ status: 'running', waiting_retry: 1 });
    await h.advance(24 * 60 * 60_000);
    // The first ask and its one retry: nothing else goes to the mail server.
    expect(h.dispatcher.tasks.map((t) => t.addresses.map((a) => a.id))).toEqual([['1.1'], ['1.2']]);
    expect(await h.status(id)).toMatchObject({ status: 'completed', counts: { risky: 1 } });
  });

  it('dispatches each claim once, however long its task takes: the lease is kept while the work is out', async () => {
    // A prober whose answer comes only when the test says, long after the claim's lease would have ended.
    const prober = scripted({ 'g@a.test': [greylisted(60), accepted] });
    let release: (() => void) | undefined;
    const answer = (task: ProbeTask) => new Promise<DispatchOutcome>((resolve) => {
      release = () => resolve(prober(task));
    });
    const h = await jobsHarness({ plans, answer, runner: { leaseMs: 60_000 } });
    const id = await h.create(JSON.stringify(['g@a.test']), 'application/json');
    await h.runner.start();
    await h.clock.advance(10 * 60_000);
    expect(h.dispatcher.tasks).toHaveLength(1);
    release!();
    await h.runner.idle();
    expect(await h.status(id)).toMatchObject({ status: 'running', waiting_retry: 1 });
    // The retry: one dispatch again, held as long, then answered once.
    await h.clock.advance(60_000 + 10 * 60_000);
    expect(h.dispatcher.tasks.map((t) => t.addresses.map((a) => a.id))).toEqual([['1.1'], ['1.2']]);
    release!();
    await h.runner.idle();
    expect(await h.status(id)).toMatchObject({ status: 'completed', counts: { deliverable: 1 } });
    const item = await h.store.selectFrom('job_items').select(['attempt', 'retries']).executeTakeFirstOrThrow();
    expect(item).toEqual({ attempt: 2, retries: 1 });
  });

  it('serves results mid-job with each row\'s state, and freezes rate and ETA at completion', async () => {
    const h = await jobsHarness({ plans, answer: scripted({ 'g@a.test': [greylisted(120), accepted] }) });
    const id = await h.create(JSON.stringify(['g@a.test', 'ok@a.test', 'later@b.test']), 'application/json');
    const queued = JSON.parse(await h.results(id));
    expect(queued.map((r: { state: string }) => r.state)).toEqual(['pending', 'pending', 'pending']);
    await h.run();
    const start = h.clock.now();
    const rows = JSON.parse(await h.results(id));
    expect(rows.map((r: { email: string; state: string; next_retry_at: string | null; verdict: string | null }) => [r.email, r.state, r.next_retry_at, r.verdict])).toEqual([
      ['g@a.test', 'waiting_retry', new Date(start + 120_000).toISOString(), null],
      ['ok@a.test', 'done', null, 'deliverable'],
      ['later@b.test', 'done', null, 'deliverable'],
    ]);
    expect((await h.results(id, 'csv')).split('\r\n')[1]).toMatch(/,waiting_retry,\d{4}-\d\d-\d\dT[\d:.]+Z,,$/);
    // Two resolved in the first second of activity; the one left is due in two minutes, so no sooner.
    expect(await h.status(id)).toMatchObject({ status: 'running', done: 2, eta_s: 120 });
    await h.advance(120_000);
    const done = await h.status(id);
    expect(done).toMatchObject({ status: 'completed', done: 3, eta_s: null });
    expect(done.rate_per_s).toBeCloseTo(3 / 120, 2);
    await h.advance(3_600_000);
    expect((await h.status(id)).rate_per_s).toBe(done.rate_per_s);
  });

  it('uses the default delay without a hint and caps a long hint', async () => {
    const h = await jobsHarness({ plans, answer: scripted({ 'n@a.test': [greylisted(), accepted], 'l@a.test': [greylisted(99_999), accepted] }), runner: { retryDelayMs: 300_000, maxRetryDelayMs: 1_800_000, maxWaitMs: 3_600_000 } });
    await h.create(JSON.stringify(['n@a.test', 'l@a.test']), 'application/json');
    await h.run();
    await h.advance(300_000);
    expect(h.dispatcher.tasks.at(-1)?.addresses.map((a) => a.address)).toEqual(['n@a.test']);
    await h.advance(1_500_000);
    expect(h.dispatcher.tasks.at(-1)?.addresses.map((a) => a.address)).toEqual(['l@a.test']);
    expect(h.dispatcher.tasks).toHaveLength(3);
  });

  it("deflates each answer once for its item and the result cache, with the store's codec", async () => {
    let deflated = 0;
    const deflate = { ...nodeDeflate, deflate: (data: Uint8Array, dictionary: Uint8Array) => (deflated++, nodeDeflate.deflate(data, dictionary)) };
    const h = await jobsHarness({ plans, store: { ...sqliteStore(await memoryStore()), deflate } });
    const id = await h.create(JSON.stringify(['ann@a.test', 'bob@a.test', 'not an address']), 'application/json');
    await h.run();
    expect(await h.status(id)).toMatchObject({ status: 'completed', done: 3 });
    expect(deflated).toBe(3);
    const stored = await h.store.selectFrom('job_items').select('result_json').execute();
    const cached = await h.store.selectFrom('result_cache').select('result_json').execute();
    expect([...stored, ...cached].map((r) => r.result_json?.slice(0, 3))).toEqual(['z1:', 'z1:', 'z1:', 'z1:', 'z1:']);
  });

  it('gives up after the retry budget with unknown / retry_budget_exhausted and keeps the last reply', async () => {
    const h = await jobsHarness({ plans, answer: scripted({ 'g@a.test': [greylisted(60)] }), runner: { retryBudget: 2 } });
    const id = await h.create(JSON.stringify(['g@a.test']), 'application/json');
    await h.run();
    for (let i = 0; i < 5; i++) await h.advance(60_000);
    expect(h.dispatcher.tasks).toHaveLength(3);
    expect(await h.status(id)).toMatchObject({ status: 'completed', counts: { unknown: 1 } });
    const item = await h.store.selectFrom('job_items').select(['reason', 'result_json', 'retries']).executeTakeFirstOrThrow();
    expect(item.reason).toBe('retry_budget_exhausted');
    expect(item.retries).toBe(2);
    expect(VerificationResult.parse(portablePacking.unpack(item.result_json ?? '')).checks.smtp?.reply?.code).toBe(450);
  });

  it('asks DNS again after a DoH outage instead of giving up on the domain, within the budget', async () => {
    let outage = 2;
    const flaky = async () => (outage-- > 0 ? { ...plan('a.test', 'dns_error'), reason: 'dns_error' as const } : plan('a.test'));
    const h = await jobsHarness({ plans: { 'a.test': flaky, 'b.test': async () => ({ ...plan('b.test', 'dns_error'), reason: 'dns_error' as const }) }, runner: { retryDelayMs: 60_000, retryBudget: 2 } });
    const id = await h.create(JSON.stringify(['x@a.test', 'y@b.test']), 'application/json');
    await h.run();
    expect(await h.status(id)).toMatchObject({ status: 'running', done: 0, waiting_retry: 2 });
    for (let i = 0; i < 3; i++) await h.advance(60_000);
    expect(await h.status(id)).toMatchObject({ status: 'completed', counts: { deliverable: 1, unknown: 1 } });
    const reasons = await h.store.selectFrom('job_items').select(['email', 'reason']).orderBy('email').execute();
    expect(reasons).toEqual([{ email: 'x@a.test', reason: 'accepted' }, { email: 'y@b.test', reason: 'dns_error' }]);
    expect(h.resolver.calls.filter((c) => c.domain === 'b.test')).toHaveLength(3);
  });

  it('tells the observer (the /metrics counters) of every probe, as single checks do', async () => {
    const seen: number[] = [];
    const h = await jobsHarness({ plans, observer: { probed: (s) => void seen.push(s.connections) } });
    await h.create(JSON.stringify(['a@a.test', 'b@b.test']), 'application/json');
    await h.run();
    expect(seen).toEqual([1, 1]);
  });

  it('maps a catch-all domain to risky / catch_all like a single verify', async () => {
    const h = await jobsHarness({ plans, answer: scripted({}, 'yes') });
    const id = await h.create(JSON.stringify(['who@a.test']), 'application/json');
    await h.run();
    expect(await h.status(id)).toMatchObject({ counts: { risky: 1 } });
    expect(JSON.parse(await h.results(id))[0]).toMatchObject({ verdict: 'risky', reason: 'catch_all' });
  });

  it('answers from the result cache without probing, and fills it for the next job', async () => {
    const h = await jobsHarness({ plans });
    await h.create(JSON.stringify(['c@a.test']), 'application/json');
    await h.run();
    const id = await h.create(JSON.stringify(['c@a.test', 'C@a.test'.toLowerCase()]), 'application/json');
    await h.run();
    expect(h.dispatcher.tasks).toHaveLength(1);
    expect(await h.status(id)).toMatchObject({ status: 'completed', counts: { deliverable: 1 } });
  });

  it('lets items wait while no prober is connected, then finishes when one comes', async () => {
    const h = await jobsHarness({ plans, healthy: 0 });
    const id = await h.create(JSON.stringify(['w@a.test']), 'application/json');
    await h.run();
    await h.advance(10_000);
    expect(h.dispatcher.tasks).toHaveLength(0);
    expect(await h.status(id)).toMatchObject({ status: 'queued', pending: 1, done: 0 });
    h.dispatcher.healthy = 1;
    await h.advance(1_000);
    expect(await h.status(id)).toMatchObject({ status: 'completed', counts: { deliverable: 1 } });
  });

  it('puts items back (no retry spent) when the dispatcher finds no prober at submit time', async () => {
    let calls = 0;
    const h = await jobsHarness({ plans, answer: (task) => (++calls === 1 ? { ok: false, reason: 'no_prober', detail: 'gone' } : scripted({})(task)) });
    const id = await h.create(JSON.stringify(['p@a.test']), 'application/json');
    await h.run();
    expect(await h.status(id)).toMatchObject({ pending: 1, waiting_retry: 0 });
    await h.advance(1_000);
    expect(await h.status(id)).toMatchObject({ status: 'completed', counts: { deliverable: 1 } });
    expect((await h.store.selectFrom('job_items').select('retries').executeTakeFirstOrThrow()).retries).toBe(0);
  });

  it('applies a result once: a duplicate or an answer to an older claim changes nothing', async () => {
    const h = await jobsHarness({ plans, healthy: 0 });
    await h.create(JSON.stringify(['e@a.test']), 'application/json');
    const claims = new ItemClaims(h.store);
    const now = h.clock.now();
    const [first] = await claims.claim(now, 10, now + 1000);
    expect(first?.attempt).toBe(1);
    // The lease runs out and the item is claimed again: the first claim's answer is stale now.
    const [second] = await claims.claim(now + 1000, 10, now + 5000);
    expect(second?.attempt).toBe(2);
    const result = (verdict: 'deliverable' | 'undeliverable') => ({ ...JSON.parse('{}'), email: 'e@a.test', normalized: 'e@a.test', verdict, reason: verdict === 'deliverable' ? 'accepted' : 'mailbox_not_found', score: 0.5, reasons: [], checks: {}, cached: false, checked_at: '' });
    expect(await claims.resolve([{ ref: { id: first!.id, attempt: 1 }, result: result('undeliverable') }], now)).toBe(0);
    expect(await claims.resolve([{ ref: { id: second!.id, attempt: 2 }, result: result('deliverable') }], now)).toBe(1);
    expect(await claims.resolve([{ ref: { id: second!.id, attempt: 2 }, result: result('undeliverable') }], now)).toBe(0);
    expect(await claims.retryLater([{ id: second!.id, attempt: 2 }], now, now)).toBe(0);
    const item = await h.store.selectFrom('job_items').select(['verdict', 'retries', 'state']).executeTakeFirstOrThrow();
    expect(item).toEqual({ verdict: 'deliverable', retries: 0, state: 'done' });
  });

  it('after a crash, re-claims what was in flight and counts each item once', async () => {
    const h = await jobsHarness({ plans, answer: () => new Promise<never>(() => {}) });
    const list = Array.from({ length: 80 }, (_, i) => `k${i}@${i % 2 ? 'a' : 'b'}.test`);
    const id = await h.create(JSON.stringify([...list, ...list.slice(0, 10)]), 'application/json');
    void h.runner.start();
    for (let turn = 0; turn < 1000 && (await h.status(id)).in_flight < 80; turn++) await new Promise((r) => setImmediate(r));
    expect(await h.status(id)).toMatchObject({ in_flight: 80, done: 0 });
    // A second runner on the same store stands for the restarted edge; the first one is "dead".
    const { JobRunner } = await import('../../../edge/jobs/job-runner.ts');
    const { ItemClaims } = await import('../../../edge/jobs/item-claims.ts');
    const { createStoreResultCache } = await import('../../../edge/cache/store-result-cache.ts');
    const { checkSyntax } = await import('../../../edge/syntax/index.ts');
    const { ScriptedDispatcher, probeAnswer, seededRandom } = await import('../api/app-harness.ts');
    const dispatcher = new ScriptedDispatcher(probeAnswer(accepted));
    const again = new JobRunner({ claims: new ItemClaims(h.store), sharedByEdges: false, resolver: h.resolver, dispatcher, cache: createStoreResultCache(h.store), clock: h.clock, random: seededRandom(2), checkSyntax, cacheTtl: { known: 0, risky: 0, unknown: 0 } });
    await again.start();
    await again.idle();
    expect(await h.status(id)).toMatchObject({ status: 'completed', rows: 90, total: 80, done: 80, in_flight: 0, counts: { deliverable: 80 } });
    expect(dispatcher.tasks.flatMap((t) => t.addresses).length).toBe(80);
    const out = JSON.parse(await h.results(id));
    expect(out).toHaveLength(90);
    expect(out.every((r: { verdict: string }) => r.verdict === 'deliverable')).toBe(true);
  });
});
