import type { Kysely } from 'kysely';
import { deleteInChunks } from '../store/chunked-delete.ts';
import type { Database } from '../store/schema.ts';

/** Told the addresses of each chunk of items before they go, to drop their cached answers. */
export type ForgetResults = (normalized: readonly string[]) => Promise<void>;

/**
 * Removes a job, its items and its rows; false when there was no such job. The job is hidden at
 * once (`deleting`: never listed, reported, claimed or called back), its rows and items then go
 * a chunk at a time so a large job does not hold the store's one writer, and the job's own row
 * goes last. A deletion cut short (a crash, a restart) is finished by resumeDeletions.
 */
export async function deleteJob(db: Kysely<Database>, id: string, forget?: ForgetResults): Promise<boolean> {
  const hidden = await db.updateTable('jobs').set({ status: 'deleting' }).where('id', '=', id).executeTakeFirst();
  if (Number(hidden.numUpdatedRows) === 0) return false;
  await finishDeletion(db, id, forget);
  return true;
}

/** Finishes every deletion a stopped edge left half done; the number of jobs. */
export async function resumeDeletions(db: Kysely<Database>, forget?: ForgetResults): Promise<number> {
  const left = await db.selectFrom('jobs').select('id').where('status', '=', 'deleting').execute();
  for (const { id } of left) await finishDeletion(db, id, forget);
  return left.length;
}

async function finishDeletion(db: Kysely<Database>, id: string, forget: ForgetResults | undefined): Promise<void> {
  await deleteInChunks(async (limit) => {
    const chunk = db.selectFrom('job_rows').select('row_no').where('job_id', '=', id).limit(limit);
    return (await db.deleteFrom('job_rows').where('job_id', '=', id).where('row_no', 'in', chunk).executeTakeFirst()).numDeletedRows;
  });
  await deleteInChunks(async (limit) => {
    const chunk = await db.selectFrom('job_items').select(['id', 'key', 'domain']).where('job_id', '=', id).limit(limit).execute();
    if (chunk.length === 0) return 0;
    // An invalid address (no domain) was never checked, so nothing of it is cached.
    await forget?.(chunk.filter((item) => item.domain !== null).map((item) => item.key));
    return (await db.deleteFrom('job_items').where('id', 'in', chunk.map((item) => item.id)).executeTakeFirst()).numDeletedRows;
  });
  await db.deleteFrom('jobs').where('id', '=', id).execute();
}
