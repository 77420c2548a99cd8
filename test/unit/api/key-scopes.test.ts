import { describe, expect, it } from 'vitest';
import { hashApiKey } from '../../../edge/access/api-key.ts';
import { createStoreKeyStore } from '../../../edge/access/key-store.ts';
import { ownersAndScopesMigration } from '../../../edge/store/migrations/010-owners-and-scopes.ts';
import { keyCommand } from '../../../cli/commands/key-command.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { harness, plan, seededRandom, storedKey, TEST_KEY } from './app-harness.ts';
import { sqliteStore } from '../../../edge/adapters/sqlite-node.ts';

type H = Awaited<ReturnType<typeof harness>>;

function call(h: H, path: string, key: string, body: unknown) {
  return h.app.request(path, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

const outcome = { outcomes: [{ email: 'a@x.test', outcome: 'delivered' }] };

describe('key scopes', () => {
  it('a key without `outcomes` gets 403 on POST /v1/outcomes and stores nothing; one with it is heard', async () => {
    const h = await harness({ plans: { 'x.test': plan('x.test') } });
    const plain = await storedKey(h.deps.store, 'plain', ['verify', 'jobs'], 1);
    const res = await call(h, '/v1/outcomes', plain, outcome);
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toMatch(/error="insufficient_scope", scope="outcomes"/);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('insufficient_scope');
    expect(await h.deps.store.selectFrom('outcomes').selectAll().execute()).toEqual([]);
    const reporter = await storedKey(h.deps.store, 'reporter', ['outcomes'], 2);
    expect((await call(h, '/v1/outcomes', reporter, outcome)).status).toBe(202);
    expect((await call(h, '/v1/verify', reporter, { email: 'a@x.test' })).status).toBe(403);
    expect((await call(h, '/v1/verify', plain, { email: 'a@x.test' })).status).toBe(200);
    expect((await call(h, '/v1/outcomes', TEST_KEY, outcome)).status).toBe(202);
  });

  it('a key without `jobs` cannot post or read jobs', async () => {
    const h = await harness({});
    const verifyOnly = await storedKey(h.deps.store, 'v', ['verify'], 1);
    const { edgeServices } = await import('../../../edge/compose/edge-services.ts');
    const { app } = edgeServices({ config: h.deps.config, store: sqliteStore(h.deps.store), resolver: h.resolver, dispatcher: h.dispatcher, clock: h.clock, random: seededRandom() });
    const res = await app.request('/v1/jobs', { method: 'POST', headers: { authorization: `Bearer ${verifyOnly}`, 'content-type': 'application/json' }, body: '["a@x.test"]' });
    expect(res.status).toBe(403);
    expect(await h.deps.store.selectFrom('jobs').selectAll().execute()).toEqual([]);
  });

  it('`key add --scope` stores the scopes; the default is verify,jobs; a bad scope is refused', async () => {
    const store = (await harness({})).deps.store;
    const keys = createStoreKeyStore(store);
    const out: string[] = [];
    const deps = { keys, random: seededRandom(3), clock: new FakeClock(), out: (t: string) => out.push(t), err: () => {} };
    expect(await keyCommand(['add', 'crm', '--scope', 'outcomes,verify'], deps)).toBe(0);
    const crm = out.pop()!.trim();
    expect((await keys.findByHash(await hashApiKey(crm)))?.scopes).toEqual(['verify', 'outcomes']);
    expect(await keyCommand(['add', 'web', '--scope=admin'], deps)).toBe(0);
    expect((await keys.findByHash(await hashApiKey(out.pop()!.trim())))?.scopes).toEqual(['admin']);
    expect(await keyCommand(['add', 'plain'], deps)).toBe(0);
    expect((await keys.findByHash(await hashApiKey(out.pop()!.trim())))?.scopes).toEqual(['verify', 'jobs']);
    expect(await keyCommand(['add', 'x', '--scope', 'root'], deps)).toBe(2);
    expect(await keyCommand(['add', 'y', '--scope', ''], deps)).toBe(2);
    expect(await keyCommand(['list', '--scope', 'verify'], deps)).toBe(2);
    expect((await keys.list()).map((k) => k.name)).toEqual(['crm', 'web', 'plain']);
  });

  it('keys stored before scopes keep verify, jobs and outcomes; their old jobs go to BZ_API_KEY', async () => {
    const { openSqlite } = await import('../../../edge/adapters/sqlite-node.ts');
    const store = await openSqlite(':memory:');
    await ownersAndScopesMigration.down!(store);
    await store.insertInto('api_keys').values({ id: 'k_old', name: 'old', key_hash: 'h', hint: 'bz_…', created_at: 1, revoked_at: null } as never).execute();
    await store.insertInto('jobs').values({ id: 'j_old', status: 'completed', columns_json: null, rows: 0, created_at: 1, completed_at: 1 } as never).execute();
    await ownersAndScopesMigration.up(store);
    expect((await createStoreKeyStore(store).findByHash('h'))?.scopes).toEqual(['verify', 'jobs', 'outcomes']);
    expect(await store.selectFrom('jobs').select('owner').executeTakeFirst()).toEqual({ owner: 'config' });
    await store.destroy();
  });
});
