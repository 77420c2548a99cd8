import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../store/schema.ts';
import { HIDDEN_JOB_STATUSES, type JobsTable } from '../store/tables/jobs.ts';

/**
 * The job with this id if `owner` created it, else null: another key's job answers exactly like
 * a missing one (404), so ids cannot be probed. A job still uploading is nobody's yet, one being
 * deleted nobody's any more.
 */
export async function ownedJob(db: Kysely<Database>, id: string, owner: string): Promise<Selectable<JobsTable> | null> {
  const job = await db.selectFrom('jobs').selectAll().where('id', '=', id).where('owner', '=', owner).where('status', 'not in', HIDDEN_JOB_STATUSES).executeTakeFirst();
  return job ?? null;
}
