import type { Kysely } from 'kysely';
import { systemClock, VerificationResult, type Clock } from '../../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import type { ResultCache } from './result-cache.ts';

export interface StoreResultCacheOptions {
  clock?: Clock;
  /** Expired rows are deleted once every this many writes, so the table does not grow forever. */
  pruneEvery?: number;
}

/** The result cache in the store's `result_cache` table (migration '002-result-cache'). */
export function createStoreResultCache(db: Kysely<Database>, options: StoreResultCacheOptions = {}): ResultCache {
  const clock = options.clock ?? systemClock;
  const pruneEvery = options.pruneEvery ?? 1000;
  let writes = 0;
  return {
    async get(normalized, now) {
      const row = await db
        .selectFrom('result_cache')
        .select(['result_json', 'expires_at'])
        .where('normalized', '=', normalized)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      if (!row) return null;
      // A row written by an older release may no longer fit the schema: a miss, not an error.
      const parsed = VerificationResult.safeParse(parseJson(row.result_json));
      return parsed.success ? { result: parsed.data, expiresAt: row.expires_at } : null;
    },
    async put(result, expiresAt) {
      if (result.normalized === null) return;
      const row = { normalized: result.normalized, result_json: JSON.stringify(result), expires_at: expiresAt, stored_at: clock.now() };
      await db
        .insertInto('result_cache')
        .values(row)
        .onConflict((oc) => oc.column('normalized').doUpdateSet({ result_json: row.result_json, expires_at: row.expires_at, stored_at: row.stored_at }))
        .execute();
      if (++writes % pruneEvery === 0) await db.deleteFrom('result_cache').where('expires_at', '<=', clock.now()).execute();
    },
    async forget(normalized) {
      for (let i = 0; i < normalized.length; i += 500) await db.deleteFrom('result_cache').where('normalized', 'in', normalized.slice(i, i + 500)).execute();
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
