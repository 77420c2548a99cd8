import { describe, expect, it } from 'vitest';
import { createStoreKeyStore } from '../../../edge/access/key-store.ts';
import { TEST_KEY, harness, plan, storedKey } from './app-harness.ts';

const plans = { 'example.test': plan('example.test') };
const body = JSON.stringify({ email: 'user@example.test' });

function post(h: Awaited<ReturnType<typeof harness>>, headers: Record<string, string>, path = '/v1/verify') {
  return h.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

describe('API keys', () => {
  it('refuses a call without a key with 401 and a Bearer challenge, before any work', async () => {
    const h = await harness({ plans });
    const res = await post(h, {});
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('missing_api_key');
    expect(h.resolver.calls).toHaveLength(0);
  });

  it('refuses an unknown key', async () => {
    const h = await harness({ plans });
    const res = await post(h, { authorization: 'Bearer bz_not-a-real-key' });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
  });

  it('accepts BZ_API_KEY as given, and a stored key by its hash; a revoked key stops working within 10 s', async () => {
    const h = await harness({ plans });
    expect((await post(h, { authorization: `Bearer ${TEST_KEY}` })).status).toBe(200);
    const key = await storedKey(h.deps.store, 'crm', ['verify']);
    expect(key).toMatch(/^bz_[A-Za-z0-9_-]{43}$/);
    expect((await post(h, { authorization: `Bearer ${key}` })).status).toBe(200);
    expect(await createStoreKeyStore(h.deps.store).revoke('crm', 1)).toBe(true);
    // Accepted keys are remembered in process for 10 s, so the store is not asked on every call.
    await h.clock.advance(9_000);
    expect((await post(h, { authorization: `Bearer ${key}` })).status).toBe(200);
    await h.clock.advance(1_000);
    expect((await post(h, { authorization: `Bearer ${key}` })).status).toBe(401);
  });

  it("accepts Reacher's x-reacher-secret header on the drop-in route", async () => {
    const h = await harness({ plans });
    const res = await h.app.request('/v0/check_email', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-reacher-secret': TEST_KEY },
      body: JSON.stringify({ to_email: 'user@example.test' }),
    });
    expect(res.status).toBe(200);
  });

  it('lets keyless callers in only from loopback, and only when BZ_ALLOW_ANONYMOUS_LOCAL is set', async () => {
    let address = '127.0.0.1';
    const connInfo = () => ({ remote: { address } });
    const on = await harness({ plans, env: { BZ_ALLOW_ANONYMOUS_LOCAL: '1' }, connInfo });
    expect((await post(on, {})).status).toBe(200);
    address = '::1';
    expect((await post(on, {})).status).toBe(200);
    address = '::ffff:127.0.0.5';
    expect((await post(on, {})).status).toBe(200);
    address = '192.0.2.7';
    expect((await post(on, {})).status).toBe(401);
    address = '127.0.0.1';
    const off = await harness({ plans, connInfo });
    expect((await post(off, {})).status).toBe(401);
  });

  it('does not take a request relayed by a reverse proxy on loopback for a local one', async () => {
    const connInfo = () => ({ remote: { address: '127.0.0.1' } });
    const open = await harness({ plans, env: { BZ_ALLOW_ANONYMOUS_LOCAL: '1' }, connInfo });
    const relayed: Record<string, string>[] = [{ 'x-forwarded-for': '203.0.113.9' }, { 'x-forwarded-for': '127.0.0.1' }, { forwarded: 'for=203.0.113.9' }, { 'x-real-ip': '203.0.113.9' }];
    for (const header of relayed) {
      expect((await post(open, header)).status).toBe(401);
    }
    // Behind a trusted proxy the forwarded client counts, right-most untrusted hop first.
    const proxied = await harness({ plans, env: { BZ_ALLOW_ANONYMOUS_LOCAL: '1', BZ_TRUST_PROXY: '127.0.0.1' }, connInfo });
    expect((await post(proxied, { 'x-forwarded-for': '203.0.113.9' })).status).toBe(401);
    expect((await post(proxied, { 'x-forwarded-for': '127.0.0.1, 203.0.113.9' })).status).toBe(401);
    expect((await post(proxied, { 'x-forwarded-for': '::1' })).status).toBe(200);
  });

  it('answers 429 with Retry-After to an address that keeps presenting wrong keys, and only to it', async () => {
    let address = '192.0.2.1';
    const connInfo = () => ({ remote: { address } });
    const h = await harness({ plans, env: { BZ_AUTH_FAILURES_PER_MINUTE: '3' }, connInfo });
    const wrong = { authorization: 'Bearer bz_wrong-guess' };
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(h, wrong)).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const locked = await post(h, { authorization: `Bearer ${TEST_KEY}` });
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('20');
    expect(((await locked.json()) as { error: { code: string } }).error.code).toBe('too_many_failed_attempts');
    // A forged X-Forwarded-For from an untrusted peer changes nothing.
    expect((await post(h, { ...wrong, 'x-forwarded-for': '198.51.100.1' })).status).toBe(429);
    address = '192.0.2.2';
    expect((await post(h, wrong)).status).toBe(401);
    address = '192.0.2.1';
    await h.clock.advance(20_000);
    expect((await post(h, { authorization: `Bearer ${TEST_KEY}` })).status).toBe(200);
    expect((await post(h, wrong)).status).toBe(401);
    expect((await post(h, wrong)).status).toBe(429);
  });

  it('behind a trusted proxy, limits wrong keys per forwarded client rather than per proxy', async () => {
    const connInfo = () => ({ remote: { address: '10.0.0.5' } });
    const h = await harness({ plans, env: { BZ_AUTH_FAILURES_PER_MINUTE: '1', BZ_TRUST_PROXY: '10.0.0.0/24' }, connInfo });
    const wrong = (client: string) => post(h, { authorization: 'Bearer bz_wrong-guess', 'x-forwarded-for': client });
    expect([(await wrong('203.0.113.1')).status, (await wrong('203.0.113.1')).status, (await wrong('203.0.113.2')).status]).toEqual([401, 429, 401]);
  });

  it('/v1/health needs no key', async () => {
    const h = await harness({ plans });
    expect((await h.app.request('/v1/health')).status).toBe(200);
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After once the burst is spent, and lets the caller in again after it', async () => {
    const h = await harness({ plans, env: { BZ_RATE_LIMIT_RPS: '1', BZ_RATE_LIMIT_BURST: '3' } });
    const auth = { authorization: `Bearer ${TEST_KEY}` };
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(h, auth)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await post(h, auth);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(h.resolver.calls.length).toBeLessThanOrEqual(1);
    await h.clock.advance(1000);
    expect((await post(h, auth)).status).toBe(200);
  });

  it('keeps one bucket per key: one caller spending its burst does not limit another', async () => {
    const h = await harness({ plans, env: { BZ_RATE_LIMIT_RPS: '1', BZ_RATE_LIMIT_BURST: '1' } });
    const other = await storedKey(h.deps.store, 'other', ['verify']);
    expect((await post(h, { authorization: `Bearer ${TEST_KEY}` })).status).toBe(200);
    expect((await post(h, { authorization: `Bearer ${TEST_KEY}` })).status).toBe(429);
    expect((await post(h, { authorization: `Bearer ${other}` })).status).toBe(200);
  });
});
