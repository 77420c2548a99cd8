import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeDeflate } from '../../../edge/adapters/deflate-node.ts';
import { openSqlite, openSqliteStore } from '../../../edge/adapters/sqlite-node.ts';
import { memoResultCache } from '../../../edge/cache/memo-result-cache.ts';
import { createStoreResultCache } from '../../../edge/cache/store-result-cache.ts';
import { resultFromSyntax } from '../../../edge/verify/assemble-result.ts';
import { checkSyntax } from '../../../edge/syntax/index.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { checkServices, SHARED_MEMO_MS } from '../../../edge/compose/edge-services.ts';
import { ScriptedDispatcher, ScriptedResolver, memoryStore, probeAnswer, seededRandom, testConfig } from './app-harness.ts';

const result = (email: string) => resultFromSyntax(email, checkSyntax(email), 0);

describe('the stored result cache', () => {
  it('serves a row until it expires, and deletes expired rows every pruneEvery writes', async () => {
    const db = await memoryStore();
    const clock = new FakeClock(1000);
    const cache = createStoreResultCache(db, { clock, pruneEvery: 3 });
    await cache.putMany([{ result: result('a@example.test'), expiresAt: 2000 }]);
    await cache.putMany([{ result: result('b@example.test'), expiresAt: 9000 }]);
    expect((await cache.get('a@example.test', 1999))?.expiresAt).toBe(2000);
    expect(await cache.get('a@example.test', 2000)).toBeNull();
    await clock.advance(1500);
    await cache.putMany([{ result: result('c@example.test'), expiresAt: 9000 }]);
    const rows = await db.selectFrom('result_cache').select('normalized').orderBy('normalized').execute();
    expect(rows.map((r) => r.normalized)).toEqual(['b@example.test', 'c@example.test']);
  });

  it('treats a row that no longer parses as a miss', async () => {
    const db = await memoryStore();
    await db.insertInto('result_cache').values({ normalized: 'x@example.test', result_json: '{"not":"a result"}', expires_at: 10 ** 15 }).execute();
    await db.insertInto('result_cache').values({ normalized: 'y@example.test', result_json: '{broken', expires_at: 10 ** 15 }).execute();
    const cache = createStoreResultCache(db);
    expect(await cache.get('x@example.test', 0)).toBeNull();
    expect(await cache.get('y@example.test', 0)).toBeNull();
  });

  it("keeps results deflated with the store's codec, and reads rows an earlier release wrote as JSON", async () => {
    const db = await memoryStore();
    let deflated = 0;
    const deflate = { ...nodeDeflate, deflate: (data: Uint8Array, dictionary: Uint8Array) => (deflated++, nodeDeflate.deflate(data, dictionary)) };
    const dispatcher = new ScriptedDispatcher(probeAnswer({ outcome: 'accepted', reason: 'accepted' }), 1);
    const { cache } = checkServices({ config: testConfig(), db, resolver: new ScriptedResolver({}), dispatcher, clock: new FakeClock(0), random: seededRandom(), deflate });
    await cache.putMany([{ result: result('a@example.test'), expiresAt: 9000 }]);
    const row = await db.selectFrom('result_cache').select('result_json').where('normalized', '=', 'a@example.test').executeTakeFirstOrThrow();
    expect(row.result_json.startsWith('z1:')).toBe(true);
    expect(deflated).toBe(1);
    await db.insertInto('result_cache').values({ normalized: 'old@example.test', result_json: JSON.stringify(result('old@example.test')), expires_at: 9000 }).execute();
    expect((await cache.get('old@example.test', 0))?.result).toEqual(result('old@example.test'));
  });
});

describe('batches', () => {
  it('a domain\'s results go in and come out together; the last of an address wins, expired ones stay out', async () => {
    const cache = createStoreResultCache(await memoryStore());
    await cache.putMany([
      { result: result('a@example.test'), expiresAt: 2000 },
      { result: result('b@example.test'), expiresAt: 500 },
      { result: { ...result('a@example.test'), score: 0.5 }, expiresAt: 3000 },
    ]);
    const found = await cache.getMany(['a@example.test', 'b@example.test', 'c@example.test'], 1000);
    expect([...found.keys()]).toEqual(['a@example.test']);
    expect(found.get('a@example.test')).toMatchObject({ expiresAt: 3000, result: { score: 0.5 } });
  });

  it('the memo asks the store only for the addresses it does not hold, in one call', async () => {
    const stored = createStoreResultCache(await memoryStore());
    const asked: string[][] = [];
    const memo = memoResultCache({ ...stored, getMany: (ns, now) => (asked.push([...ns]), stored.getMany(ns, now)) });
    await stored.putMany([{ result: result('b@example.test'), expiresAt: 9000 }]);
    await memo.putMany([{ result: result('a@example.test'), expiresAt: 9000 }]);
    const found = await memo.getMany(['a@example.test', 'b@example.test', 'c@example.test'], 100);
    expect([...found.keys()].sort()).toEqual(['a@example.test', 'b@example.test']);
    expect(asked).toEqual([['b@example.test', 'c@example.test']]);
  });
});

describe('the in-process memo', () => {
  it('answers a hot address without asking the store, and never past the stored expiry', async () => {
    const db = await memoryStore();
    let reads = 0;
    const stored = createStoreResultCache(db);
    const counting = { ...stored, getMany: (ns: readonly string[], now: number) => (reads++, stored.getMany(ns, now)) };
    const memo = memoResultCache(counting);
    await memo.putMany([{ result: result('a@example.test'), expiresAt: 5000 }]);
    expect((await memo.get('a@example.test', 100))?.result.email).toBe('a@example.test');
    expect(reads).toBe(0);
    expect(await memo.get('a@example.test', 5000)).toBeNull();
    expect(reads).toBe(1);
  });

  it('asks the store again after a minute, so an erasure made by another process holds here too', async () => {
    const db = await memoryStore();
    const memo = memoResultCache(createStoreResultCache(db));
    await memo.putMany([{ result: result('b@example.test'), expiresAt: 10 * 60_000 }]);
    expect(await memo.get('b@example.test', 0)).not.toBeNull();
    await db.deleteFrom('result_cache').execute();
    expect(await memo.get('b@example.test', 59_999)).not.toBeNull();
    expect(await memo.get('b@example.test', 60_000)).toBeNull();
  });

  it('on a SQLite file, drops what it holds as soon as another connection (bouncezero forget) commits', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bz-memo-')), 'bz.db');
    const edge = await openSqliteStore(file);
    const memo = memoResultCache(createStoreResultCache(edge.db), { dataVersion: edge.dataVersion! });
    await memo.putMany([{ result: result('c@example.test'), expiresAt: 10 * 60_000 }]);
    await memo.get('c@example.test', 0);
    await new Promise((r) => setImmediate(r));
    // This edge's own writes leave the memo alone.
    await memo.putMany([{ result: result('d@example.test'), expiresAt: 10 * 60_000 }]);
    await new Promise((r) => setImmediate(r));
    expect(await memo.get('c@example.test', 1)).not.toBeNull();

    const cli = await openSqlite(file);
    await cli.deleteFrom('result_cache').where('normalized', '=', 'c@example.test').execute();
    await cli.destroy();
    await new Promise((r) => setImmediate(r));
    expect(await memo.get('c@example.test', 2)).toBeNull();
    expect(await memo.get('d@example.test', 2)).not.toBeNull();
    await edge.db.destroy();
  });

  it('on a store shared by edges (nothing tells of their writes), asks the store again after a few seconds', async () => {
    const db = await memoryStore();
    const clock = new FakeClock(0);
    const dispatcher = new ScriptedDispatcher(probeAnswer({ outcome: 'accepted', reason: 'accepted' }), 1);
    const services = (sharedByEdges: boolean) => checkServices({ config: testConfig(), db, resolver: new ScriptedResolver({}), dispatcher, clock, random: seededRandom(), sharedByEdges });
    const [shared, alone] = [services(true), services(false)];
    for (const { cache } of [shared, alone]) {
      await cache.putMany([{ result: result('e@example.test'), expiresAt: 10 * 60_000 }]);
      await cache.get('e@example.test', 0);
    }
    // Another edge erases the address.
    await db.deleteFrom('result_cache').execute();
    expect(await shared.cache.get('e@example.test', SHARED_MEMO_MS - 1)).not.toBeNull();
    expect(await shared.cache.get('e@example.test', SHARED_MEMO_MS)).toBeNull();
    expect(await alone.cache.get('e@example.test', SHARED_MEMO_MS)).not.toBeNull();
  });
});
