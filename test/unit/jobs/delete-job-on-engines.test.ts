import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { deleteJob, resumeDeletions } from '../../../edge/jobs/delete-job.ts';
import { jobReport } from '../../../edge/jobs/job-status.ts';
import { listJobs } from '../../../edge/jobs/job-list.ts';
import { ownedJob } from '../../../edge/jobs/owned-job.ts';
import { DELETE_CHUNK, deleteInChunks } from '../../../edge/store/chunked-delete.ts';
import type { Database } from '../../../edge/store/schema.ts';
import { STORE_ENGINES } from '../../support/store-engines.ts';

/** A job of `rows` rows, each its own address, half of them answered. */
async function seed(db: Kysely<Database>, id: string, rows: number): Promise<void> {
  await db.insertInto('jobs').values({ id, owner: 'k_a', status: 'running', columns_json: null, rows, created_at: 1, completed_at: null }).execute();
  for (let from = 0; from < rows; from += 500) {
    const batch = Array.from({ length: Math.min(500, rows - from) }, (_, i) => `u${from + i}@x.test`);
    const items = await db
      .insertInto('job_items')
      .values(batch.map((email, i) => ({ job_id: id, key: email, email, domain: 'x.test', state: (from + i) % 2 ? 'done' : 'pending', attempt: 0, retries: 0, due_at: 1, verdict: null, reason: null, score: null, result_json: null, done_at: null }) as const))
      .returning(['id', 'key'])
      .execute();
    await db.insertInto('job_rows').values(items.map((item, i) => ({ job_id: id, row_no: from + i + 1, item_id: item.id, email: item.key, cells_json: null }))).execute();
  }
}

const count = async (db: Kysely<Database>, table: 'job_rows' | 'job_items' | 'jobs', job: string) =>
  Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where(table === 'jobs' ? 'id' : 'job_id', '=', job).executeTakeFirstOrThrow()).n);

describe.each(STORE_ENGINES)('deleting a job on $name', ({ open }) => {
  it('removes a job larger than a chunk with its items and rows, and leaves the others whole', async () => {
    const db = await open();
    await seed(db, 'j_big', DELETE_CHUNK * 2 + 7);
    await seed(db, 'j_other', 3);
    expect(await deleteJob(db, 'j_big')).toBe(true);
    for (const table of ['jobs', 'job_items', 'job_rows'] as const) {
      expect(await count(db, table, 'j_big')).toBe(0);
      expect(await count(db, table, 'j_other')).toBe(table === 'jobs' ? 1 : 3);
    }
    expect(await deleteJob(db, 'j_big')).toBe(false);
  });

  it('tells whoever keeps cached answers the addresses of each chunk of items before they go', async () => {
    const db = await open();
    await seed(db, 'j_forget', DELETE_CHUNK + 5);
    const told: number[] = [];
    let left = -1;
    expect(await deleteJob(db, 'j_forget', async (normalized) => {
      told.push(normalized.length);
      left = await count(db, 'job_items', 'j_forget');
    })).toBe(true);
    expect(told).toEqual([DELETE_CHUNK, 5]);
    // Told before the chunk went: the last chunk's five were still there.
    expect(left).toBe(5);
  });

  it('hides a job whose deletion was cut short from every reader, and finishes it on resume', async () => {
    const db = await open();
    await seed(db, 'j_cut', 10);
    await db.updateTable('jobs').set({ status: 'deleting' }).where('id', '=', 'j_cut').execute();
    expect(await ownedJob(db, 'j_cut', 'k_a')).toBeNull();
    expect(await jobReport(db, 'j_cut', 2)).toBeNull();
    expect((await listJobs(db, 'k_a', { limit: 10 })).jobs).toEqual([]);
    expect(await resumeDeletions(db)).toBe(1);
    expect(await count(db, 'job_items', 'j_cut')).toBe(0);
    expect(await count(db, 'jobs', 'j_cut')).toBe(0);
  });
});

describe('deleteInChunks', () => {
  it('gives the event loop a turn between chunks, and stops at the first short one', async () => {
    const seen: string[] = [];
    const left = [DELETE_CHUNK, DELETE_CHUNK, 5];
    const total = await deleteInChunks(async (limit) => {
      expect(limit).toBe(DELETE_CHUNK);
      seen.push('chunk');
      // Queued now, so it runs only if the loop is let go before the next chunk.
      setTimeout(() => seen.push('turn'), 0);
      return left.shift()!;
    });
    expect(total).toBe(DELETE_CHUNK * 2 + 5);
    expect(seen).toEqual(['chunk', 'turn', 'chunk', 'turn', 'chunk']);
  });
});
