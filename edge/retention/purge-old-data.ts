import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

export interface PurgeCounts {
  jobs: number;
  results: number;
  outcomes: number;
}

const DAY_MS = 86_400_000;

/**
 * Deletes what is older than `days` at `now` (BZ_RETENTION_DAYS): jobs created before the cutoff
 * with their items and rows, cached results stored before it (or, from before migration 011,
 * already expired), and outcomes observed before it. Jobs go one at a time, each in its own
 * transaction, so a purge never holds the writer long. Trained models hold no address and stay.
 */
export async function purgeOldData(db: Kysely<Database>, now: number, days: number): Promise<PurgeCounts> {
  const cutoff = now - days * DAY_MS;
  let jobs = 0;
  for (;;) {
    const old = await db.selectFrom('jobs').select('id').where('created_at', '<', cutoff).limit(100).execute();
    for (const { id } of old) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('job_rows').where('job_id', '=', id).execute();
        await trx.deleteFrom('job_items').where('job_id', '=', id).execute();
        await trx.deleteFrom('jobs').where('id', '=', id).execute();
      });
      jobs++;
    }
    if (old.length < 100) break;
  }
  const results = await db
    .deleteFrom('result_cache')
    .where((eb) => eb.or([eb('stored_at', '<', cutoff), eb.and([eb('stored_at', 'is', null), eb('expires_at', '<=', now)])]))
    .executeTakeFirst();
  const outcomes = await db.deleteFrom('outcomes').where('observed_at', '<', cutoff).executeTakeFirst();
  return { jobs, results: Number(results.numDeletedRows), outcomes: Number(outcomes.numDeletedRows) };
}
