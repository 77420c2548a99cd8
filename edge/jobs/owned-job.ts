import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { JobsTable } from '../store/tables/jobs.ts';

/**
 * The job with this id if `owner` created it, else null: another key's job answers exactly like
 * a missing one (404), so ids cannot be probed. A job still uploading is nobody's yet.
 */
export async function ownedJob(db: Kysely<Database>, id: string, owner: string): Promise<Selectable<JobsTable> | null> {
  const job = await db.selectFrom('jobs').selectAll().where('id', '=', id).where('owner', '=', owner).where('status', '!=', 'uploading').executeTakeFirst();
  return job ?? null;
}
