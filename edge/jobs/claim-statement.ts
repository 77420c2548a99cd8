import { sql, type RawBuilder } from 'kysely';

/** A claimed item as the statement returns it (bigint columns may come back as strings). */
export interface ClaimedRow {
  id: number;
  job_id: string;
  email: string;
  domain: string;
  attempt: number;
  retries: number;
  retry_until: number | string | null;
}

/** One item taken by a claim: what the runner needs to probe it and to answer with the claim's guard. */
export interface ClaimedItem extends Omit<ClaimedRow, 'retry_until'> {
  /** The cut-off for its retries, set at its first temporary answer. */
  retry_until: number | null;
  /** Its job's ?max_wait (null: the runner's default) and input rows. */
  max_wait_ms: number | null;
  job_rows: number;
}

/**
 * The claim of one job's share as one statement: up to `limit` of its due items go in flight
 * until `leaseUntil`, while the job is open. SQLite has one writer, so the statement alone is
 * atomic there. On PostgreSQL several edges claim at once: `lock` (skipLockedRows of the store's
 * dialect, on `i`) makes each pass over rows another edge is claiming, and the lock re-checks
 * `due_at` on rows claimed since this statement began, so no item goes to two edges.
 */
export function claimStatement(lock: RawBuilder<unknown>, jobId: string, now: number, limit: number, leaseUntil: number): RawBuilder<ClaimedRow> {
  return sql<ClaimedRow>`
    UPDATE job_items SET state = 'in_flight', attempt = attempt + 1, due_at = ${leaseUntil}
    WHERE id IN (
      SELECT i.id FROM job_items i JOIN jobs j ON j.id = i.job_id
      WHERE i.job_id = ${jobId} AND i.due_at IS NOT NULL AND i.due_at <= ${now} AND j.status IN ('queued', 'running')
      ORDER BY i.due_at LIMIT ${limit} ${lock})
    RETURNING id, job_id, email, domain, attempt, retries, retry_until`;
}
