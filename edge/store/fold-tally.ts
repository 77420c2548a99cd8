import { sql, type Kysely } from 'kysely';
import { engineOf } from './dialect.ts';
import type { Database } from './schema.ts';

/**
 * Replaces the change rows PostgreSQL's triggers appended to these jobs' tallies (migration
 * 019-job-tally) by their sums, in one statement: rows appended meanwhile are not in its snapshot
 * and stay as they are, and a second fold running at once waits for the rows this one deletes and
 * then finds them gone, so no change is lost or counted twice. SQLite counts in place: nothing to do.
 */
export async function foldTallyChanges(db: Kysely<Database>, jobIds: readonly string[]): Promise<void> {
  if (engineOf(db) !== 'postgres' || jobIds.length === 0) return;
  await sql`WITH gone AS (DELETE FROM job_tally WHERE job_id IN (${sql.join(jobIds)}) RETURNING job_id, state, verdict, checked, n)
    INSERT INTO job_tally (job_id, state, verdict, checked, n)
    SELECT job_id, state, verdict, checked, sum(n) FROM gone GROUP BY job_id, state, verdict, checked HAVING sum(n) <> 0`.execute(db);
}
