import { describe, expect, it } from 'vitest';
import { VerificationResult, type MxRule, type ReasonCode } from '../../../protocol/index.ts';
import { harness, plan, probeAnswer, until } from './app-harness.ts';

async function result(res: Response): Promise<VerificationResult> {
  expect(res.status).toBe(200);
  return VerificationResult.parse(await res.json());
}

describe('POST /v1/verify: stage 1 and stage 2 decide without SMTP', () => {
  it('answers an invalid address from syntax alone', async () => {
    const h = await harness({});
    const r = await result(await h.verify({ email: 'not an address' }));
    expect(r).toMatchObject({ verdict: 'undeliverable', reason: 'invalid_syntax', normalized: null, score: 0 });
    expect(r.checks.syntax.valid).toBe(false);
    expect(h.resolver.calls).toHaveLength(0);
    expect(h.dispatcher.tasks).toHaveLength(0);
  });

  const deciding: [MxRule, ReasonCode, string][] = [
    ['null_mx', 'null_mx', 'undeliverable'],
    ['nxdomain', 'nxdomain', 'undeliverable'],
    ['no_mx', 'no_mx', 'undeliverable'],
    ['mx_unresolvable', 'mx_unresolvable', 'undeliverable'],
    ['mx_private_address', 'mx_private_address', 'unknown'],
    ['dns_error', 'dns_error', 'unknown'],
  ];
  for (const [rule, reason, verdict] of deciding) {
    it(`answers ${reason} from a ${rule} plan without dispatching`, async () => {
      const h = await harness({ plans: { 'example.test': plan('example.test', rule) } });
      const r = await result(await h.verify({ email: 'user@example.test' }));
      expect(r).toMatchObject({ verdict, reason, normalized: 'user@example.test' });
      expect(r.checks.dns?.rule).toBe(rule);
      expect(r.checks.smtp).toBeUndefined();
      expect(h.resolver.calls).toEqual([{ domain: 'example.test', fresh: false }]);
      expect(h.dispatcher.tasks).toHaveLength(0);
    });
  }
});

describe('POST /v1/verify: the SMTP stage', () => {
  const plans = { 'example.test': plan('example.test') };

  it('sends one one-address task with the plan and reports an accepted recipient deliverable', async () => {
    const h = await harness({ plans });
    const r = await result(await h.verify({ email: 'User@Example.test' }));
    expect(r).toMatchObject({ email: 'User@Example.test', verdict: 'deliverable', reason: 'accepted', cached: false });
    expect(r.score).toBeGreaterThanOrEqual(0.9);
    expect(h.dispatcher.tasks).toHaveLength(1);
    const task = h.dispatcher.tasks[0]!;
    expect(task.addresses).toHaveLength(1);
    expect(task.addresses[0]?.address).toBe(r.normalized);
    expect(task.plan.domain).toBe('example.test');
    // The prober's share leaves the edge a second to hear its partial answer.
    expect(task.deadline_ms).toBe(14_000);
  });

  it('reports a rejected recipient undeliverable, with the server reply among the reasons', async () => {
    const reply = { code: 550, enhanced: '5.1.1', lines: ['5.1.1 <nobody@example.test>: Recipient address rejected: User unknown'] };
    const h = await harness({ plans, answer: probeAnswer({ outcome: 'rejected', reason: 'mailbox_not_found', reply }) });
    const r = await result(await h.verify({ email: 'nobody@example.test' }));
    expect(r).toMatchObject({ verdict: 'undeliverable', reason: 'mailbox_not_found' });
    expect(r.reasons.join(' ')).toContain('User unknown');
  });

  it('never reports a catch-all domain deliverable', async () => {
    const h = await harness({ plans, answer: probeAnswer({ outcome: 'accepted', reason: 'accepted' }, 'yes') });
    const r = await result(await h.verify({ email: 'anyone@example.test' }));
    expect(r).toMatchObject({ verdict: 'risky', reason: 'catch_all' });
    expect(r.checks.catch_all?.status).toBe('yes');
    expect(r.score).toBeLessThan(0.9);
  });

  it('answers an accepted address whose catch-all probes were greylisted at once: risky / catch_all_pending, the hint kept as evidence', async () => {
    const open = { status: 'unknown' as const, cached: false, mx_host: 'mx.example.test', open: true, retry_after_s: 300 };
    const said = probeAnswer({ outcome: 'accepted', reason: 'accepted' });
    const h = await harness({ plans, answer: async (task) => {
      const answer = await said(task);
      return answer.ok ? { ...answer, result: { ...answer.result, catch_all: open } } : answer;
    } });
    const before = h.clock.now();
    const r = await result(await h.verify({ email: 'anyone@example.test' }));
    // A single check waits for no retry: one ask, no time passed, the open check reported as it stands.
    expect(r).toMatchObject({ verdict: 'risky', reason: 'catch_all_pending' });
    expect(r.checks.catch_all).toEqual(open);
    expect(h.dispatcher.tasks).toHaveLength(1);
    expect(h.clock.now()).toBe(before);
  });

  it("reports a plugin's reading as the reason while checks.smtp keeps what the server said", async () => {
    const reading = { plugin: 'microsoft', reason: 'accept_all_provider' as const, detail: 'Microsoft 365 tenant that may accept every recipient' };
    const said = probeAnswer({ outcome: 'accepted', reason: 'accepted' });
    const h = await harness({ plans, answer: async (task) => {
      const answer = await said(task);
      return answer.ok ? { ...answer, result: { ...answer.result, results: answer.result.results.map((r) => ({ ...r, readings: [reading] })) } } : answer;
    } });
    const r = await result(await h.verify({ email: 'anyone@example.test' }));
    expect(r).toMatchObject({ verdict: 'risky', reason: 'accept_all_provider' });
    expect(r.checks.smtp).toMatchObject({ outcome: 'accepted', reason: 'accepted' });
    expect(r.checks.readings).toEqual([reading]);
  });

  it('answers greylisting at once as unknown / greylisted, keeping the retry hint', async () => {
    const reply = { code: 450, enhanced: '4.2.0', lines: ['4.2.0 Greylisted, see http://postgrey.schweikert.ch/help/example.test.html'] };
    const h = await harness({ plans, answer: probeAnswer({ outcome: 'temporary', reason: 'greylisted', reply, retry_after_s: 300 }) });
    const r = await result(await h.verify({ email: 'grey@example.test' }));
    expect(r).toMatchObject({ verdict: 'unknown', reason: 'greylisted' });
    expect(r.checks.smtp?.retry_after_s).toBe(300);
  });

  it('reports a blocked prober as unknown, not as a verdict on the address', async () => {
    const reply = { code: 554, enhanced: '5.7.1', lines: ['5.7.1 Service unavailable; client host blocked using a blocklist'] };
    const h = await harness({ plans, answer: probeAnswer({ outcome: 'error', reason: 'blocked_by_server', reply }) });
    const r = await result(await h.verify({ email: 'user@example.test' }));
    expect(r).toMatchObject({ verdict: 'unknown', reason: 'blocked_by_server' });
  });

  it('answers no_prober at once when no agent is connected', async () => {
    const h = await harness({ plans, healthy: 0 });
    const r = await result(await h.verify({ email: 'user@example.test' }));
    expect(r).toMatchObject({ verdict: 'unknown', reason: 'no_prober' });
    expect(h.dispatcher.tasks).toHaveLength(0);
  });

  it('passes the dispatcher\'s own failure through as the reason', async () => {
    const h = await harness({ plans, answer: () => ({ ok: false, reason: 'prober_port25_blocked', detail: 'every agent is blocked' }) });
    const r = await result(await h.verify({ email: 'user@example.test' }));
    expect(r).toMatchObject({ verdict: 'unknown', reason: 'prober_port25_blocked' });
  });

  it('answers deadline_exceeded when the prober does not answer within the budget, and aborts the task', async () => {
    let aborted = false;
    const h = await harness({
      plans,
      answer: (_task, signal) =>
        new Promise(() => {
          signal?.addEventListener('abort', () => (aborted = true));
        }),
    });
    const pending = h.verify({ email: 'slow@example.test' });
    await until(() => h.dispatcher.tasks.length === 1);
    await h.clock.advance(14_999);
    let settled = false;
    void pending.then(() => (settled = true));
    await h.clock.advance(0);
    expect(settled).toBe(false);
    await h.clock.advance(1);
    const r = await result(await pending);
    expect(r).toMatchObject({ verdict: 'unknown', reason: 'deadline_exceeded' });
    expect(aborted).toBe(true);
    expect(h.clock.pending).toBe(0);
  });

  it('counts a DNS stage that outlives the budget as deadline_exceeded too', async () => {
    const h = await harness({ plans: { 'example.test': () => new Promise(() => {}) }, env: { BZ_VERIFY_DEADLINE_MS: '2000' } });
    const pending = h.verify({ email: 'user@example.test' });
    await until(() => h.resolver.calls.length === 1);
    await h.clock.advance(2000);
    const r = await result(await pending);
    expect(r).toMatchObject({ verdict: 'unknown', reason: 'deadline_exceeded' });
    expect(h.dispatcher.tasks).toHaveLength(0);
  });
});

describe('POST /v1/verify: the result cache', () => {
  const plans = { 'example.test': plan('example.test') };

  it('answers a repeated address from the cache with no DNS and no dispatch', async () => {
    const h = await harness({ plans });
    await result(await h.verify({ email: 'user@example.test' }));
    const second = await result(await h.verify({ email: 'user@EXAMPLE.test' }));
    expect(second).toMatchObject({ verdict: 'deliverable', cached: true, email: 'user@EXAMPLE.test' });
    expect(h.resolver.calls).toHaveLength(1);
    expect(h.dispatcher.tasks).toHaveLength(1);
  });

  it('bypasses the cache with "fresh": true in the body or ?fresh=1, and asks DNS and the prober to as well', async () => {
    const h = await harness({ plans });
    await h.verify({ email: 'user@example.test' });
    const byBody = await result(await h.verify({ email: 'user@example.test', fresh: true }));
    const byQuery = await result(await h.verify({ email: 'user@example.test' }, { query: '?fresh=1' }));
    expect([byBody.cached, byQuery.cached]).toEqual([false, false]);
    expect(h.resolver.calls.map((c) => c.fresh)).toEqual([false, true, true]);
    expect(h.dispatcher.tasks.map((t) => t.fresh)).toEqual([false, true, true]);
  });

  it('keeps an unknown answer only briefly, and a definite one for days', async () => {
    const h = await harness({ plans, answer: probeAnswer({ outcome: 'temporary', reason: 'greylisted', retry_after_s: 60 }) });
    await h.verify({ email: 'grey@example.test' });
    await h.clock.advance(9 * 60_000);
    expect((await result(await h.verify({ email: 'grey@example.test' }))).cached).toBe(true);
    await h.clock.advance(2 * 60_000);
    h.dispatcher.answer = probeAnswer({ outcome: 'accepted', reason: 'accepted' });
    expect(await result(await h.verify({ email: 'grey@example.test' }))).toMatchObject({ cached: false, verdict: 'deliverable' });
    await h.clock.advance(6 * 86_400_000);
    expect((await result(await h.verify({ email: 'grey@example.test' }))).cached).toBe(true);
    expect(h.dispatcher.tasks).toHaveLength(2);
  });

  it('never caches our own failures (no prober): the next call probes once an agent is there', async () => {
    const h = await harness({ plans, healthy: 0 });
    expect((await result(await h.verify({ email: 'user@example.test' }))).reason).toBe('no_prober');
    h.dispatcher.healthy = 1;
    expect(await result(await h.verify({ email: 'user@example.test' }))).toMatchObject({ reason: 'accepted', cached: false });
  });

  it('caches a DNS verdict, so the second ask of a dead domain costs nothing', async () => {
    const h = await harness({ plans: { 'gone.test': plan('gone.test', 'nxdomain') } });
    await h.verify({ email: 'a@gone.test' });
    expect((await result(await h.verify({ email: 'a@gone.test' }))).cached).toBe(true);
    expect(h.resolver.calls).toHaveLength(1);
  });
});

describe('POST /v1/verify: our own failures', () => {
  it('answers 500 internal_error when a dependency breaks its contract, and reports the error', async () => {
    const errors: unknown[] = [];
    const h = await harness({ plans: { 'example.test': () => Promise.reject(new Error('resolver bug')) }, onError: (e) => errors.push(e) });
    const res = await h.verify({ email: 'user@example.test' });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('internal_error');
    expect(String(errors[0])).toContain('resolver bug');
    expect(h.clock.pending).toBe(0);
  });
});

describe('POST /v1/verify: bad requests', () => {
  it.each([
    ['malformed JSON', '{"email": ', 400, 'invalid_request'],
    ['a missing email', { fresh: true }, 400, 'invalid_request'],
    ['an email of the wrong type', { email: 42 }, 400, 'invalid_request'],
    ['an over-long email', { email: `${'a'.repeat(5000)}@example.test` }, 400, 'invalid_request'],
  ])('answers %s with %s and a reason', async (_name, body, status, code) => {
    const h = await harness({});
    const res = await h.verify(body);
    expect(res.status).toBe(status);
    const json = (await res.json()) as { error: { code: string; message: string } };
    expect(json.error.code).toBe(code);
    expect(json.error.message.length).toBeGreaterThan(5);
  });

  it('names the field that is wrong', async () => {
    const h = await harness({});
    const json = (await (await h.verify({ email: 42 })).json()) as { error: { message: string } };
    expect(json.error.message).toMatch(/^email: /);
  });

  it('refuses a body over the size limit with 413', async () => {
    const h = await harness({ env: { BZ_BODY_LIMIT_BYTES: '1024' } });
    const res = await h.verify({ email: 'a@example.test', padding: 'x'.repeat(2000) });
    expect(res.status).toBe(413);
    expect(h.resolver.calls).toHaveLength(0);
  });

  it('refuses a body that is not declared JSON with 415', async () => {
    const h = await harness({});
    const res = await h.verify('email=a@example.test', { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(415);
  });
});
