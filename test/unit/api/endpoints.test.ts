import { describe, expect, it } from 'vitest';
import { ReacherResponse } from '../../../edge/api/reacher/reacher-schema.ts';
import { TEST_KEY, harness, plan, probeAnswer } from './app-harness.ts';

const plans = { 'example.test': plan('example.test', 'mx', ['mx1.example.test', 'mx2.example.test']), 'dead.test': plan('dead.test', 'null_mx') };

describe('GET /', () => {
  it('serves the web page without a key', async () => {
    const h = await harness({});
    const res = await h.app.request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('<form id="single">');
  });
});

describe('GET /v1/health', () => {
  it('answers ok with the number of healthy agents and their self-checks', async () => {
    const h = await harness({ healthy: 2 });
    const res = await h.app.request('/v1/health');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; agents: number; agent_list: { name: string; doctor: unknown[] }[] };
    expect(body.ok).toBe(true);
    expect(body.agents).toBe(2);
    expect(body.agent_list.map((a) => a.name)).toEqual(['prober-0', 'prober-1']);
    expect(body.agent_list[0]?.doctor).toHaveLength(1);
  });
});

describe('GET /metrics', () => {
  it('counts requests by route pattern and status, verdicts, cache lookups, SMTP sessions and agents', async () => {
    const h = await harness({ plans, answer: probeAnswer({ outcome: 'accepted', reason: 'accepted' }, 'no', 3) });
    await h.verify({ email: 'a@example.test' });
    await h.verify({ email: 'a@example.test' });
    await h.verify({ email: 'b@dead.test' });
    await h.verify('{');
    await h.app.request('/v1/verify', { method: 'POST' });
    await h.app.request('/nowhere');
    const res = await h.app.request('/metrics');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('bouncezero_http_requests_total{route="/v1/verify",method="POST",status="200"} 3');
    expect(text).toContain('bouncezero_http_requests_total{route="/v1/verify",method="POST",status="400"} 1');
    expect(text).toContain('bouncezero_http_requests_total{route="/v1/verify",method="POST",status="401"} 1');
    expect(text).toContain('bouncezero_http_requests_total{route="unmatched",method="GET",status="404"} 1');
    expect(text).toContain('bouncezero_verdicts_total{verdict="deliverable",reason="accepted"} 2');
    expect(text).toContain('bouncezero_verdicts_total{verdict="undeliverable",reason="null_mx"} 1');
    expect(text).toContain('bouncezero_result_cache_lookups_total{outcome="hit"} 1');
    expect(text).toContain('bouncezero_result_cache_lookups_total{outcome="miss"} 2');
    expect(text).toContain('bouncezero_smtp_sessions_total 3');
    expect(text).toMatch(/# TYPE bouncezero_agents gauge\nbouncezero_agents 1\n/);
    for (const line of text.trim().split('\n')) expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? -?\d+(\.\d+)?)$/);
  });

  it('reads mounted gauges (queue depth) at scrape time', async () => {
    const h = await harness({});
    let depth = 4;
    h.metrics.addGauges(() => ({ queue_depth: ['Job items waiting.', depth] }));
    expect(await (await h.app.request('/metrics')).text()).toContain('bouncezero_queue_depth 4');
    depth = 0;
    expect(await (await h.app.request('/metrics')).text()).toContain('bouncezero_queue_depth 0');
  });

  it("exposes the agent hub's counters and its queue depth", async () => {
    const hub = { tasks_dispatched: 12, tasks_redispatched: 1, tasks_given_back: 0, tasks_overdue: 0, tasks_abandoned: 0, duplicate_results_dropped: 0, agents_connected: 2, tasks_waiting: 7, tasks_in_flight: 3 };
    const h = await harness({ hubMetrics: () => hub });
    const text = await (await h.app.request('/metrics')).text();
    expect(text).toMatch(/# TYPE bouncezero_dispatch_tasks_dispatched_total counter\nbouncezero_dispatch_tasks_dispatched_total 12\n/);
    expect(text).toMatch(/# TYPE bouncezero_dispatch_queue_depth gauge\nbouncezero_dispatch_queue_depth 7\n/);
    expect(text).toContain('bouncezero_dispatch_tasks_in_flight 3');
  });
});

describe('GET /openapi.json', () => {
  it('is JSON describing every route, with the result schema generated from protocol/', async () => {
    const h = await harness({});
    const doc = (await (await h.app.request('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { properties?: Record<string, { enum?: string[] }> }> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(['/metrics', '/openapi.json', '/v0/check_email', '/v1/check_email', '/v1/health', '/v1/outcomes', '/v1/verify']);
    expect(Object.keys(doc.paths['/v1/verify'] ?? {})).toEqual(['post']);
    const result = doc.components.schemas.VerificationResult;
    expect(result?.properties?.verdict?.enum).toEqual(['deliverable', 'undeliverable', 'risky', 'unknown']);
    expect(result?.properties?.reason?.enum).toContain('mailbox_not_found');
    expect(doc.components.schemas.ReacherResponse?.properties?.is_reachable?.enum).toEqual(['safe', 'risky', 'invalid', 'unknown']);
  });
});

describe('POST /v0/check_email (Reacher drop-in)', () => {
  async function check(h: Awaited<ReturnType<typeof harness>>, to_email: string) {
    const res = await h.app.request('/v0/check_email', {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to_email, from_email: 'ignored@example.test', hello_name: 'ignored' }),
    });
    expect(res.status).toBe(200);
    return ReacherResponse.strict().parse(await res.json());
  }

  it('maps an accepted address to safe, with the MX records as Reacher lists them', async () => {
    const h = await harness({ plans });
    const r = await check(h, 'someone@example.test');
    expect(r).toMatchObject({
      input: 'someone@example.test',
      is_reachable: 'safe',
      mx: { accepts_mail: true, records: ['mx1.example.test.', 'mx2.example.test.'] },
      smtp: { can_connect_smtp: true, has_full_inbox: false, is_catch_all: false, is_deliverable: true, is_disabled: false },
      syntax: { address: 'someone@example.test', domain: 'example.test', is_valid_syntax: true, username: 'someone', normalized_email: 'someone@example.test', suggestion: null },
      misc: { is_disposable: false, is_role_account: false, is_b2c: false },
    });
  });

  it('maps catch-all to risky (SMTP still says deliverable, as Reacher does)', async () => {
    const h = await harness({ plans, answer: probeAnswer({ outcome: 'accepted', reason: 'accepted' }, 'yes') });
    const r = await check(h, 'anyone@example.test');
    expect(r.is_reachable).toBe('risky');
    expect(r.smtp).toMatchObject({ is_catch_all: true, is_deliverable: true });
  });

  it('maps a disabled and a full mailbox', async () => {
    const disabled = await harness({ plans, answer: probeAnswer({ outcome: 'rejected', reason: 'mailbox_disabled', reply: { code: 550, lines: ['5.2.1 account disabled'] } }) });
    expect(await check(disabled, 'old@example.test')).toMatchObject({ is_reachable: 'invalid', smtp: { is_disabled: true, is_deliverable: false, can_connect_smtp: true } });
    const full = await harness({ plans, answer: probeAnswer({ outcome: 'temporary', reason: 'mailbox_full', reply: { code: 452, lines: ['4.2.2 mailbox full'] } }) });
    expect(await check(full, 'busy@example.test')).toMatchObject({ is_reachable: 'risky', smtp: { has_full_inbox: true } });
  });

  it('maps a null MX to invalid with no records, and bad syntax to invalid with empty parts', async () => {
    const h = await harness({ plans });
    expect(await check(h, 'a@dead.test')).toMatchObject({ is_reachable: 'invalid', mx: { accepts_mail: false, records: [] }, smtp: { can_connect_smtp: false } });
    expect(await check(h, 'not-an-address')).toMatchObject({
      is_reachable: 'invalid',
      syntax: { address: null, is_valid_syntax: false, normalized_email: null },
    });
  });

  it('maps no prober to unknown', async () => {
    const h = await harness({ plans, healthy: 0 });
    expect((await check(h, 'a@example.test')).is_reachable).toBe('unknown');
  });

  it('reads gravatar and breach signals into misc', async () => {
    const h = await harness({
      plans,
      answer: (task) => {
        const base = probeAnswer({ outcome: 'accepted', reason: 'accepted' })(task);
        if (!('ok' in base) || !base.ok) return base;
        base.result.results[0]!.signals = [
          { source: 'gravatar', name: 'has_avatar', ok: true, value: true, detail: 'https://gravatar.invalid/avatar/abc' },
          { source: 'breach', name: 'breached', ok: true, value: true, detail: '3 breaches' },
        ];
        return base;
      },
    });
    expect((await check(h, 'a@example.test')).misc).toMatchObject({ gravatar_url: 'https://gravatar.invalid/avatar/abc', haveibeenpwned: true });
  });
});
