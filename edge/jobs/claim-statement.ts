import { sql, type RawBuilder } from 'kysely';
import type { Engine } from '../store/dialect.ts';

/** One item taken by a claim: what the runner needs to probe it and to answer with the claim's guard. */
export interface ClaimedItem {
  id: number;
  job_id: string;
  email: string;
  domain: string;
  attempt: number;
  retries: number;
}

/**
 * The claim as one statement: up to `limit` due items of open jobs go in flight until
 * `leaseUntil`. SQLite has one writer, so the statement alone is atomic there. On PostgreSQL
 * several edges claim at once: `FOR UPDATE SKIP LOCKED` makes each pass over rows another edge is
 * claiming, and the lock re-checks `due_at` on rows claimed since this statement began, so no
 * item goes to two edges.
 */
export function claimStatement(engine: Engine, now: number, limit: number, leaseUntil: number): RawBuilder<ClaimedItem> {
  const lock = engine === 'postgres' ? sql`FOR UPDATE OF i SKIP LOCKED` : sql``;
  return sql<ClaimedItem>`
    UPDATE job_items SET state = 'in_flight', attempt = attempt + 1, due_at = ${leaseUntil}
    WHERE id IN (
      SELECT i.id FROM job_items i JOIN jobs j ON j.id = i.job_id
      WHERE i.due_at IS NOT NULL AND i.due_at <= ${now} AND j.status IN ('queued', 'running')
      ORDER BY i.due_at LIMIT ${limit} ${lock})
    RETURNING id, job_id, email, domain, attempt, retries`;
}
