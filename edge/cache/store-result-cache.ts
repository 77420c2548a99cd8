import type { Kysely } from 'kysely';
import { systemClock, type Clock, type VerificationResult } from '../../protocol/index.ts';
import { batchedWrites } from '../store/batched-writes.ts';
import { portablePacking } from '../store/deflate-portable.ts';
import type { ResultPacking } from '../store/packed-result.ts';
import { preparedInserts } from '../store/prepared-inserts.ts';
import type { Database } from '../store/schema.ts';
import type { ResultCacheTable } from '../store/tables/caches.ts';
import type { CachedResult, ResultCache } from './result-cache.ts';

/** Rows per statement: a domain's batch fits in one, and the bound parameters stay well under SQLite's limit. */
const BATCH = 200;

// A later answer for an address replaces the one kept.
const upsertRows = preparedInserts(
  ['normalized', 'result_json', 'expires_at', 'stored_at'],
  (db: Kysely<Database>, rows: ResultCacheTable[]) =>
    db
      .insertInto('result_cache')
      .values(rows)
      .onConflict((oc) => oc.column('normalized').doUpdateSet((eb) => ({ result_json: eb.ref('excluded.result_json'), expires_at: eb.ref('excluded.expires_at'), stored_at: eb.ref('excluded.stored_at') }))),
  BATCH,
);

export interface StoreResultCacheOptions {
  clock?: Clock;
  /** Expired rows are deleted once every this many writes, so the table does not grow forever. */
  pruneEvery?: number;
  /** How results are kept (deflated); the portable codec when absent. */
  packing?: ResultPacking;
}

/** The result cache in the store's `result_cache` table (migration '002-result-cache'). */
export function createStoreResultCache(db: Kysely<Database>, options: StoreResultCacheOptions = {}): ResultCache {
  const clock = options.clock ?? systemClock;
  const pruneEvery = options.pruneEvery ?? 1000;
  const packing = options.packing ?? portablePacking;
  let written = 0;
  const cache: ResultCache = {
    async get(normalized, now) {
      return (await cache.getMany([normalized], now)).get(normalized) ?? null;
    },
    async getMany(normalized, now) {
      const found = new Map<string, CachedResult>();
      for (let i = 0; i < normalized.length; i += BATCH) {
        const rows = await db
          .selectFrom('result_cache')
          .select(['normalized', 'result_json', 'expires_at'])
          .where('normalized', 'in', normalized.slice(i, i + BATCH))
          .where('expires_at', '>', now)
          .execute();
        for (const row of rows) {
          // A row written by an older release may no longer fit the schema: a miss, not an error.
          const result = packing.unpack(row.result_json);
          if (result) found.set(row.normalized, { result, expiresAt: row.expires_at });
        }
      }
      return found;
    },
    async putMany(entries) {
      await writes(entries);
    },
    async forget(normalized) {
      for (let i = 0; i < normalized.length; i += 500) await db.deleteFrom('result_cache').where('normalized', 'in', normalized.slice(i, i + 500)).execute();
    },
  };
  // The results of every domain answered in one moment go in one statement (one commit, not one a domain).
  const writes = batchedWrites(async (entries: { result: VerificationResult; expiresAt: number }[]) => {
    const storedAt = clock.now();
    // One row per address: the last entry of an address in the batch is the one kept.
    const rows = new Map<string, ResultCacheTable>();
    for (const { result, expiresAt } of entries) {
      if (result.normalized !== null) rows.set(result.normalized, { normalized: result.normalized, result_json: packing.pack(result), expires_at: expiresAt, stored_at: storedAt });
    }
    for (const query of upsertRows(db, [...rows.values()])) await db.executeQuery(query);
    const before = written;
    written += rows.size;
    if (Math.floor(written / pruneEvery) > Math.floor(before / pruneEvery)) await db.deleteFrom('result_cache').where('expires_at', '<=', clock.now()).execute();
  });
  return cache;
}
