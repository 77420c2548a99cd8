import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

/** Removes a job, its items and its rows in one transaction; false when there was no such job. */
export async function deleteJob(db: Kysely<Database>, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('job_rows').where('job_id', '=', id).execute();
    await trx.deleteFrom('job_items').where('job_id', '=', id).execute();
    const gone = await trx.deleteFrom('jobs').where('id', '=', id).executeTakeFirst();
    return gone.numDeletedRows > 0n;
  });
}
