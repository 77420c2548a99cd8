import type { Kysely } from 'kysely';
import { VerificationResult } from '../../protocol/index.ts';
import type { ResultCache } from './result-cache.ts';

export interface ResultCacheTable {
  normalized: string;
  result_json: string;
  expires_at: number;
}

export interface ResultCacheTables {
  result_cache: ResultCacheTable;
}

/** The result cache in the store's `result_cache` table (migration 'result-cache'). */
export function createStoreResultCache<DB extends ResultCacheTables>(store: Kysely<DB>): ResultCache {
  // Only our table is touched, so the wider database is viewed through it.
  const db = store as unknown as Kysely<ResultCacheTables>;
  return {
    async get(normalized, now) {
      const row = await db
        .selectFrom('result_cache')
        .select(['result_json'])
        .where('normalized', '=', normalized)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      if (!row) return null;
      // A row written by an older release may no longer fit the schema: a miss, not an error.
      const parsed = VerificationResult.safeParse(parseJson(row.result_json));
      return parsed.success ? parsed.data : null;
    },
    async put(result, expiresAt) {
      if (result.normalized === null) return;
      const row = { normalized: result.normalized, result_json: JSON.stringify(result), expires_at: expiresAt };
      await db
        .insertInto('result_cache')
        .values(row)
        .onConflict((oc) => oc.column('normalized').doUpdateSet({ result_json: row.result_json, expires_at: row.expires_at }))
        .execute();
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
