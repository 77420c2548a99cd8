import type { Kysely } from 'kysely';
import { deleteJob } from '../jobs/delete-job.ts';
import { deleteInChunks } from '../store/chunked-delete.ts';
import type { Database } from '../store/schema.ts';

export interface PurgeCounts {
  jobs: number;
  results: number;
  outcomes: number;
}

const DAY_MS = 86_400_000;

/**
 * Deletes what is older than `days` at `now` (BZ_RETENTION_DAYS): jobs that finished (completed
 * or were cancelled) before the cutoff, or that never finished and were uploaded before it, with
 * their items and rows — a job's results are kept `days` after they are all there, however long
 * the job ran —, cached results stored before it (or, from before migration 011,
 * already expired), and outcomes observed before it. Everything goes a chunk at a time
 * (deleteJob, deleteInChunks), so a purge never holds the store's writer long. Trained models
 * hold no address and stay.
 */
export async function purgeOldData(db: Kysely<Database>, now: number, days: number): Promise<PurgeCounts> {
  const cutoff = now - days * DAY_MS;
  let jobs = 0;
  for (;;) {
    const old = await db
      .selectFrom('jobs')
      .select('id')
      .where((eb) => eb(eb.fn.coalesce('completed_at', 'created_at'), '<', cutoff))
      .limit(100)
      .execute();
    for (const { id } of old) if (await deleteJob(db, id)) jobs++;
    if (old.length < 100) break;
  }
  const results = await deleteInChunks(async (limit) => {
    const chunk = db
      .selectFrom('result_cache')
      .select('normalized')
      .where((eb) => eb.or([eb('stored_at', '<', cutoff), eb.and([eb('stored_at', 'is', null), eb('expires_at', '<=', now)])]))
      .limit(limit);
    return (await db.deleteFrom('result_cache').where('normalized', 'in', chunk).executeTakeFirst()).numDeletedRows;
  });
  const outcomes = await deleteInChunks(async (limit) => {
    const chunk = db.selectFrom('outcomes').select('id').where('observed_at', '<', cutoff).limit(limit);
    return (await db.deleteFrom('outcomes').where('id', 'in', chunk).executeTakeFirst()).numDeletedRows;
  });
  return { jobs, results, outcomes };
}
