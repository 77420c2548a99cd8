import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createStoreKeyStore } from '../../../edge/access/key-store.ts';
import { isPostgresUrl, openStore } from '../../../edge/adapters/open-store.ts';
import { createStoreResultCache } from '../../../edge/cache/store-result-cache.ts';
import { DomainLeases } from '../../../edge/dispatch/domain-leases.ts';
import { createKyselyAgentStore } from '../../../edge/dispatch/kysely-agent-store.ts';
import { createBreachFeed } from '../../../edge/enrich/breach-feed.ts';
import { ItemClaims } from '../../../edge/jobs/item-claims.ts';
import { jobReport } from '../../../edge/jobs/job-status.ts';
import { createOutcomeStore } from '../../../edge/learning/outcome-store.ts';
import { engineOf } from '../../../edge/store/dialect.ts';
import { createDnsCacheStore } from '../../../edge/dns/dns-cache-store.ts';
import { MIGRATIONS } from '../../../edge/store/migrations/index.ts';
import type { Database } from '../../../edge/store/schema.ts';
import { resultFromSyntax } from '../../../edge/verify/assemble-result.ts';
import { checkSyntax } from '../../../edge/syntax/index.ts';
import { STORE_ENGINES } from '../../support/store-engines.ts';

// Epoch ms in 2026: past 2^31, so a 32-bit column or a bigint returned as a string fails here.
const T = 1_795_000_000_000;

async function seedJob(db: Kysely<Database>, id: string, emails: string[]): Promise<void> {
  await db.insertInto('jobs').values({ id, owner: 'k1', status: 'queued', columns_json: null, rows: emails.length, created_at: T, completed_at: null }).execute();
  await db
    .insertInto('job_items')
    .values(emails.map((email) => ({ job_id: id, key: email, email, domain: email.split('@')[1] ?? null, state: 'pending', attempt: 0, retries: 0, due_at: T, verdict: null, reason: null, score: null, result_json: null, done_at: null })))
    .execute();
}

describe.each(STORE_ENGINES)('the store on $name', ({ name, open }) => {
  it('migrates to the latest schema and knows its engine', async () => {
    const db = await open();
    expect(engineOf(db)).toBe(name);
    const applied = await db.selectFrom('kysely_migration' as never).select(sql<string>`name`.as('name')).orderBy(sql`name`).execute();
    expect(applied.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS));
  });

  it('keeps the DNS cache: get, replace, purge, epoch ms as numbers', async () => {
    const store = createDnsCacheStore(await open());
    await store.putMany([{ key: 'a/A', value: 'one', expiresAt: T + 1 }]);
    await store.putMany([{ key: 'a/A', value: 'two', expiresAt: T + 2 }, { key: 'b/A', value: 'three', expiresAt: T + 3 }]);
    expect(await store.get('a/A')).toEqual({ value: 'two', expiresAt: T + 2 });
    expect(await store.purgeExpired(T + 2)).toBe(1);
    expect(await store.get('a/A')).toBeNull();
    expect(await store.get('b/A')).toEqual({ value: 'three', expiresAt: T + 3 });
  });

  it('keeps the result cache, replacing an older answer', async () => {
    const cache = createStoreResultCache(await open());
    const result = resultFromSyntax('a@world.test', checkSyntax('a@world.test'), T);
    await cache.putMany([{ result: { ...result, normalized: 'a@world.test' }, expiresAt: T + 10 }]);
    await cache.putMany([{ result: { ...result, normalized: 'a@world.test', score: 0.25 }, expiresAt: T + 20 }]);
    const hit = await cache.get('a@world.test', T + 15);
    expect(hit?.expiresAt).toBe(T + 20);
    expect(hit?.result.score).toBe(0.25);
    expect(await cache.get('a@world.test', T + 20)).toBeNull();
  });

  it('keeps API keys and agents, with revocation', async () => {
    const db = await open();
    const keys = createStoreKeyStore(db);
    await keys.add({ id: 'k1', name: 'ci', hint: 'bz_ab', key_hash: 'h1', created_at: T, revoked_at: null, scopes: ['verify', 'outcomes'] });
    expect(await keys.findByHash('h1')).toEqual({ id: 'k1', name: 'ci', hint: 'bz_ab', created_at: T, revoked_at: null, scopes: ['verify', 'outcomes'] });
    expect(await keys.revoke('ci', T + 1)).toBe(true);
    expect(await keys.revoke('ci', T + 2)).toBe(false);
    expect(await keys.findByHash('h1')).toBeNull();
    const agents = createKyselyAgentStore(db);
    await agents.create({ id: 'a1', name: 'p1', public_key: 'P', created_at: T, revoked_at: null });
    expect(await agents.findByName('p1')).toEqual({ id: 'a1', name: 'p1', public_key: 'P', created_at: T, revoked_at: null });
    expect(await agents.revoke('p1', T + 5)).toBe(true);
    expect((await agents.findById('a1'))?.revoked_at).toBe(T + 5);
  });

  it('numbers outcomes and models itself, and counts new breach hashes', async () => {
    const db = await open();
    const outcomes = createOutcomeStore(db);
    await outcomes.add([
      { normalized: 'a@x.test', outcome: 'delivered', observed_at: T, provider: null, features: [1, 0] },
      { normalized: 'b@x.test', outcome: 'hard_bounce', observed_at: T, provider: 'gmail', features: [0, 1] },
    ]);
    const labelled = await outcomes.labelled();
    expect(labelled.map((o) => o.delivered)).toEqual([1, 0]);
    expect(new Set(labelled.map((o) => o.key)).size).toBe(2);
    await outcomes.saveModels({ providers: {}, global: null } as never, T);
    await outcomes.saveModels({ providers: { second: true }, global: null } as never, T + 1);
    expect(await outcomes.latestModels()).toEqual({ providers: { second: true }, global: null });
    const feed = createBreachFeed(db);
    expect(await feed.add(['h1', 'h2', 'h2'], 'f', T)).toBe(2);
    expect(await feed.add(['h2', 'h3'], 'f', T)).toBe(1);
  });

  it('claims job items by lease and applies each result exactly once', async () => {
    const db = await open();
    await seedJob(db, 'j1', ['a@x.test', 'b@x.test', 'c@y.test']);
    const claims = new ItemClaims(db);
    const first = await claims.claim(T, 2, T + 1000);
    expect(first.map((i) => i.attempt)).toEqual([1, 1]);
    expect(typeof first[0]?.id).toBe('number');
    // Leased: not claimable again before the lease ends; the third item still is.
    expect((await claims.claim(T + 999, 10, T + 2000)).length).toBe(1);
    // The lease ends: the first two come back on a new attempt, so the old claim's answer is stale.
    const again = await claims.claim(T + 1000, 10, T + 3000);
    expect(again.map((i) => i.attempt)).toEqual([2, 2]);
    const result = resultFromSyntax('a@x.test', checkSyntax('a@x.test'), T);
    const stale = first.map((i) => ({ ref: { id: i.id, attempt: i.attempt }, result }));
    const fresh = again.map((i) => ({ ref: { id: i.id, attempt: i.attempt }, result }));
    expect(await claims.resolve(stale, T + 1001)).toBe(0);
    expect(await claims.resolve(fresh, T + 1001)).toBe(2);
    expect(await claims.resolve(fresh, T + 1002)).toBe(0);
    const report = await jobReport(db, 'j1', T + 1002);
    expect(report).toMatchObject({ status: 'running', total: 3, done: 2, in_flight: 1 });
  });

  it('leases a domain to one holder at a time until release or expiry', async () => {
    const db = await open();
    const east = new DomainLeases(db, 'edge-east');
    const west = new DomainLeases(db, 'edge-west');
    const held = await east.acquire('bulk-1.test', T, T + 100);
    expect(held).not.toBeNull();
    expect(await west.acquire('bulk-1.test', T + 1, T + 101)).toBeNull();
    // The holder takes it again (a second task of its own), then releases the older taking: still held.
    const second = await east.acquire('bulk-1.test', T + 2, T + 102);
    await east.release(held!);
    expect(await west.acquire('bulk-1.test', T + 3, T + 103)).toBeNull();
    await east.release(second!);
    expect(await west.acquire('bulk-1.test', T + 4, T + 104)).not.toBeNull();
    // West never releases (it died): east gets the domain once the lease has expired.
    expect(await east.acquire('bulk-1.test', T + 103, T + 203)).toBeNull();
    expect(await east.acquire('bulk-1.test', T + 104, T + 204)).not.toBeNull();
  });
});

describe.each(STORE_ENGINES.filter((e) => e.name === 'postgres'))('several edges on one $name store', ({ open }) => {
  it('claim concurrently without ever taking the same item twice', async () => {
    const db = await open();
    await seedJob(db, 'j2', Array.from({ length: 600 }, (_, i) => `u${i}@d${i % 7}.test`));
    const edges = [new ItemClaims(db), new ItemClaims(db), new ItemClaims(db), new ItemClaims(db)];
    const taken = await Promise.all(edges.map(async (claims) => {
      const mine: number[] = [];
      for (;;) {
        const batch = await claims.claim(T, 25, T + 60_000);
        if (batch.length === 0) return mine;
        mine.push(...batch.map((i) => i.id));
      }
    }));
    const all = taken.flat();
    expect(all.length).toBe(600);
    expect(new Set(all).size).toBe(600);
    // More than one edge got work (they really ran side by side).
    expect(taken.filter((t) => t.length > 0).length).toBeGreaterThan(1);
  });
});

describe('openStore', () => {
  it('picks the engine by BZ_DB: a postgres:// URL or a SQLite path', async () => {
    expect(isPostgresUrl('postgres://u@127.0.0.1/db')).toBe(true);
    expect(isPostgresUrl('postgresql://u@127.0.0.1/db')).toBe(true);
    expect(isPostgresUrl('./data/postgres.db')).toBe(false);
    const { db, sharedByEdges } = await openStore(':memory:');
    expect(engineOf(db)).toBe('sqlite');
    expect(sharedByEdges).toBe(false);
    await db.destroy();
  });

  it('fails with a message that names the server but never its password', async () => {
    // Nothing listens on loopback port 1: the connection is refused at once.
    const error = await openStore('postgres://bz:hunter2@127.0.0.1:1/bz').then(() => null, (e: unknown) => e as Error);
    expect(error?.message).toMatch(/^cannot open the store at postgres:\/\/bz:\*\*\*@127\.0\.0\.1:1\/bz: /);
    expect(error?.message).not.toContain('hunter2');
  });
});
