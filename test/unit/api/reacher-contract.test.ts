import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { ReacherError } from '../../../edge/api/reacher/reacher-schema.ts';
import { TEST_KEY, harness, plan, probeAnswer, type Answer } from './app-harness.ts';

/** Reacher's published OpenAPI schema (its source is recorded inside the fixture). */
const OPENAPI = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/reacher-openapi.json'), 'utf8'));
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema(OPENAPI, 'reacher');
const output = ajv.getSchema('reacher#/components/schemas/CheckEmailOutput')!;
const request = ajv.getSchema('reacher#/components/schemas/CheckEmailRequest')!;

function conforms(validate: typeof output, value: unknown): string {
  return validate(value) ? 'ok' : ajv.errorsText(validate.errors);
}

const plans = {
  'example.test': plan('example.test', 'mx', ['mx1.example.test', 'mx2.example.test']),
  'gmail.com': plan('gmail.com', 'mx', ['mx1.freemail.test']),
  'dead.test': plan('dead.test', 'null_mx'),
};

/** A request as Reacher's own clients build it: every optional field it documents. */
const REACHER_REQUEST = {
  to_email: 'someone@example.test',
  from_email: 'me@example.org',
  hello_name: 'example.org',
  proxy: { host: 'proxy.invalid', port: 1080, username: 'u', password: 'p' },
  smtp_port: 25,
  gmail_verif_method: 'Smtp',
  hotmailb2b_verif_method: 'Smtp',
  hotmailb2c_verif_method: 'Smtp',
  yahoo_verif_method: 'Smtp',
  check_gravatar: true,
};

async function post(h: Awaited<ReturnType<typeof harness>>, path: string, body: unknown, headers: Record<string, string> = { authorization: TEST_KEY }) {
  return h.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

const withSignals: Answer = (task) => {
  const base = probeAnswer({ outcome: 'accepted', reason: 'accepted' })(task);
  if ('ok' in base && base.ok) base.result.results[0]!.signals = [{ source: 'gravatar', name: 'has_avatar', ok: true, value: true, detail: 'https://gravatar.invalid/avatar/abc' }];
  return base;
};

describe("Reacher drop-in, against Reacher's published OpenAPI schema", () => {
  it('the schema check itself rejects what Reacher would not send (a null gravatar_url, a missing smtp field)', () => {
    const good = { input: 'a@b.c', is_reachable: 'safe', misc: { is_disposable: false, is_role_account: false }, mx: { accepts_mail: true, records: [] }, smtp: { can_connect_smtp: true, has_full_inbox: false, is_catch_all: false, is_deliverable: true, is_disabled: false }, syntax: { domain: 'b.c', is_valid_syntax: true, username: 'a' } };
    expect(conforms(output, good)).toBe('ok');
    expect(conforms(output, { ...good, misc: { ...good.misc, gravatar_url: null } })).not.toBe('ok');
    expect(conforms(output, { ...good, smtp: { can_connect_smtp: true } })).not.toBe('ok');
    expect(conforms(output, { ...good, is_reachable: 'deliverable' })).not.toBe('ok');
  });

  it('takes a request exactly as Reacher documents it, on /v1/check_email and /v0/check_email alike', async () => {
    expect(conforms(request, REACHER_REQUEST)).toBe('ok');
    const h = await harness({ plans });
    const v1 = await post(h, '/v1/check_email', REACHER_REQUEST);
    const v0 = await post(h, '/v0/check_email', REACHER_REQUEST);
    expect([v1.status, v0.status]).toEqual([200, 200]);
    const [a, b] = [await v1.json(), await v0.json()];
    expect(conforms(output, a)).toBe('ok');
    // The second answer comes from the result cache; otherwise the two endpoints answer alike.
    expect(b).toEqual({ ...a, bouncezero: { ...a.bouncezero, cached: true } });
  });

  it.each([
    ['deliverable', 'someone@example.test', probeAnswer({ outcome: 'accepted', reason: 'accepted' }), 'safe'],
    ['catch-all', 'anyone@example.test', probeAnswer({ outcome: 'accepted', reason: 'accepted' }, 'yes'), 'risky'],
    ['full mailbox', 'busy@example.test', probeAnswer({ outcome: 'temporary', reason: 'mailbox_full', reply: { code: 452, lines: ['4.2.2 mailbox full'] } }), 'risky'],
    ['disabled', 'old@example.test', probeAnswer({ outcome: 'rejected', reason: 'mailbox_disabled', reply: { code: 550, lines: ['5.2.1 account disabled'] } }), 'invalid'],
    ['null MX', 'a@dead.test', undefined, 'invalid'],
    ['bad syntax', 'not an address', undefined, 'invalid'],
    ['a gravatar', 'someone@example.test', withSignals, 'safe'],
  ] as const)('answers in CheckEmailOutput\'s shape: %s', async (_name, email, answer, reachable) => {
    const h = await harness({ plans, ...(answer ? { answer } : {}) });
    const res = await post(h, '/v1/check_email', { to_email: email });
    const body = await res.json();
    expect(conforms(output, body)).toBe('ok');
    expect(body.is_reachable).toBe(reachable);
  });

  it('answers with no prober connected in the shape too (unknown)', async () => {
    const h = await harness({ plans, healthy: 0 });
    const body = await (await post(h, '/v1/check_email', { to_email: 'a@example.test' })).json();
    expect(conforms(output, body)).toBe('ok');
    expect(body.is_reachable).toBe('unknown');
  });

  it('says misc.is_b2c for a free mailbox provider and not for a business domain', async () => {
    const h = await harness({ plans });
    const gmail = await (await post(h, '/v1/check_email', { to_email: 'someone@gmail.com' })).json();
    const business = await (await post(h, '/v1/check_email', { to_email: 'someone@example.test' })).json();
    expect([gmail.misc.is_b2c, business.misc.is_b2c]).toEqual([true, false]);
  });

  it("takes Reacher's auth headers: a bare Authorization key, x-reacher-secret, and Bearer", async () => {
    const h = await harness({ plans });
    const ways: Record<string, string>[] = [{ authorization: TEST_KEY }, { 'x-reacher-secret': TEST_KEY }, { authorization: `Bearer ${TEST_KEY}` }];
    for (const headers of ways) {
      expect((await post(h, '/v1/check_email', { to_email: 'a@example.test' }, headers)).status).toBe(200);
    }
  });

  it('fails in Reacher\'s error shape {"error": "…"}: no key, a wrong key, a bad body, not JSON', async () => {
    const h = await harness({ plans });
    const cases: [Response, number][] = [
      [await post(h, '/v1/check_email', { to_email: 'a@example.test' }, {}), 401],
      [await post(h, '/v0/check_email', { to_email: 'a@example.test' }, { authorization: 'not-a-key' }), 401],
      [await post(h, '/v1/check_email', { email: 'a@example.test' }), 400],
      [await post(h, '/v1/check_email', '{"to_email": '), 400],
      [await h.app.request('/v1/check_email', { method: 'POST', headers: { authorization: TEST_KEY, 'content-type': 'text/plain' }, body: 'a@example.test' }), 415],
    ];
    for (const [res, status] of cases) {
      expect(res.status).toBe(status);
      const body = ReacherError.strict().parse(await res.json());
      expect(body.error.length).toBeGreaterThan(5);
    }
    // Our own routes keep our own error shape.
    const ours = await h.verify({}, { headers: { authorization: '' } });
    expect(await ours.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  });
});
