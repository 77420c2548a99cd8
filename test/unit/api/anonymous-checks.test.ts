import { describe, expect, it } from 'vitest';
import { edgeServices } from '../../../edge/compose/edge-services.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { ScriptedDispatcher, ScriptedResolver, TEST_KEY, harness, memoryStore, plan, probeAnswer, seededRandom, testConfig } from './app-harness.ts';
import { sqliteStore } from '../../../edge/adapters/sqlite-node.ts';

const plans = { 'example.test': plan('example.test') };
const body = JSON.stringify({ email: 'user@example.test' });
const keyless = (h: Awaited<ReturnType<typeof harness>>) => h.app.request('/v1/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('BZ_ANONYMOUS_CHECKS', () => {
  it('is off by default: a single check needs a key', async () => {
    const h = await harness({ plans, connInfo: () => ({ remote: { address: '192.0.2.1' } }) });
    expect((await keyless(h)).status).toBe(401);
  });

  it('lets N single checks per hour per client address in without a key, then answers 429 with Retry-After', async () => {
    let address = '192.0.2.1';
    const h = await harness({ plans, env: { BZ_ANONYMOUS_CHECKS: '2' }, connInfo: () => ({ remote: { address } }) });
    const check = (headers: Record<string, string> = {}) => h.app.request('/v1/verify', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    expect([(await check()).status, (await check()).status]).toEqual([200, 200]);
    const refused = await check();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1800');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('anonymous_limit');
    // A key is not counted against the anonymous allowance, and a wrong key is not anonymous.
    expect((await check({ authorization: `Bearer ${TEST_KEY}` })).status).toBe(200);
    expect((await check({ authorization: 'Bearer bz_wrong' })).status).toBe(401);
    address = '192.0.2.2';
    expect((await check()).status).toBe(200);
    address = '192.0.2.1';
    await h.clock.advance(1_800_000);
    expect((await check()).status).toBe(200);
    expect((await check()).status).toBe(429);
    // Everything else stays keyed.
    for (const path of ['/v1/outcomes', '/v0/check_email']) expect((await h.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
  });

  it('caps anonymous checks from everyone together', async () => {
    let n = 0;
    const h = await harness({ plans, env: { BZ_ANONYMOUS_CHECKS: '5', BZ_ANONYMOUS_CHECKS_TOTAL: '3' }, connInfo: () => ({ remote: { address: `198.51.100.${++n}` } }) });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await keyless(h)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('keeps bulk jobs keyed', async () => {
    const store = await memoryStore();
    const clock = new FakeClock();
    const config = testConfig({ BZ_ANONYMOUS_CHECKS: '100' });
    const { app } = edgeServices({ store: sqliteStore(store), resolver: new ScriptedResolver({}), dispatcher: new ScriptedDispatcher(probeAnswer({ outcome: 'accepted', reason: 'accepted' })), clock, random: seededRandom(), config, connInfo: () => ({ remote: { address: '192.0.2.1' } }) });
    const res = await app.request('/v1/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(['a@example.test']) });
    expect(res.status).toBe(401);
  });
});
