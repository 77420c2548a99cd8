import type { Kysely } from 'kysely';
import { VerificationResult } from '../../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import type { ResultCache } from './result-cache.ts';

/** The result cache in the store's `result_cache` table (migration 'result-cache'). */
export function createStoreResultCache(db: Kysely<Database>): ResultCache {
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
