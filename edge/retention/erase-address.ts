import type { Kysely } from 'kysely';
import { addressHash } from '../enrich/breach-feed.ts';
import type { Database } from '../store/schema.ts';

export interface ErasedCounts {
  /** Input rows removed, across every job and owner. */
  rows: number;
  /** Cached results, outcomes and breach-feed entries removed. */
  results: number;
  outcomes: number;
  breach: number;
}

/**
 * Erases one normalized address from every table that holds it: its job items and input rows in
 * every job (a job keeps its other rows; its `rows` count stays as uploaded), the cached result,
 * reported outcomes and a matching breach-feed entry. The DNS cache is per domain and keeps
 * nothing of the address. The caller also drops the in-process memo (ResultCache.forget).
 */
export async function eraseAddress(db: Kysely<Database>, normalized: string): Promise<ErasedCounts> {
  const breachHash = await addressHash(normalized);
  return db.transaction().execute(async (trx) => {
    const items = await trx.selectFrom('job_items').select('id').where('key', '=', normalized).execute();
    let rows = 0;
    for (let i = 0; i < items.length; i += 500) {
      const ids = items.slice(i, i + 500).map((r) => r.id);
      rows += Number((await trx.deleteFrom('job_rows').where('item_id', 'in', ids).executeTakeFirst()).numDeletedRows);
      await trx.deleteFrom('job_items').where('id', 'in', ids).execute();
    }
    const results = await trx.deleteFrom('result_cache').where('normalized', '=', normalized).executeTakeFirst();
    const outcomes = await trx.deleteFrom('outcomes').where('normalized', '=', normalized).executeTakeFirst();
    const breach = await trx.deleteFrom('breach_hashes').where('hash', '=', breachHash).executeTakeFirst();
    return { rows, results: Number(results.numDeletedRows), outcomes: Number(outcomes.numDeletedRows), breach: Number(breach.numDeletedRows) };
  });
}
