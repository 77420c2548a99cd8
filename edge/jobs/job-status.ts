import { sql, type Kysely } from 'kysely';
import type { Verdict } from '../../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import { HIDDEN_JOB_STATUSES, type VisibleJobStatus } from '../store/tables/jobs.ts';
import { readTally } from './job-tally.ts';

export interface JobReport {
  id: string;
  status: VisibleJobStatus;
  /** Input rows, duplicates included. */
  rows: number;
  /** Distinct addresses; the counts below are over these. */
  total: number;
  done: number;
  pending: number;
  in_flight: number;
  waiting_retry: number;
  /** ISO time the earliest retry is due, or null. */
  next_retry_at: string | null;
  counts: Record<Verdict, number>;
  progress: number;
  /** Addresses resolved per second of the job's active time (from its first claim to now, or to its end: then frozen). */
  rate_per_s: number;
  /** Seconds to completion: what is left at that rate, and at least until the last retry is due; null when done or nothing resolved yet. */
  eta_s: number | null;
  created_at: string;
  completed_at: string | null;
}

/** A job's state, from the tally of its items' states that the store keeps in every change's transaction (job-tally.ts), so it is right after any crash. */
export async function jobReport(db: Kysely<Database>, id: string, now: number): Promise<JobReport | null> {
  const job = await db.selectFrom('jobs').selectAll().where('id', '=', id).where('status', 'not in', HIDDEN_JOB_STATUSES).executeTakeFirst();
  if (!job) return null;
  // bigint columns come back as strings from some drivers (PostgreSQL).
  const createdAt = Number(job.created_at);
  const completedAt = job.completed_at === null ? null : Number(job.completed_at);
  const by = await readTally(db, id);
  const open = job.status === 'queued' || job.status === 'running';
  const startedAt = job.started_at === null ? createdAt : Number(job.started_at);
  const endedAt = completedAt ?? now;
  const rate = job.started_at === null ? 0 : (by.checked * 1000) / Math.max(1000, endedAt - startedAt);
  const left = by.total - by.done;
  const retries = by.waiting > 0 ? await retryTimes(db, id) : null;
  const lastRetryS = retries === null ? 0 : Math.max(0, Math.ceil((retries.last - now) / 1000));
  const eta = !open || left === 0 || rate === 0 ? null : Math.max(Math.ceil(left / rate), lastRetryS);
  return {
    id,
    status: job.status as JobReport['status'],
    rows: job.rows,
    total: by.total,
    done: by.done,
    pending: by.pending,
    in_flight: by.in_flight,
    waiting_retry: by.waiting,
    next_retry_at: retries === null ? null : new Date(retries.first).toISOString(),
    counts: by.counts,
    progress: by.total === 0 ? 1 : by.done / by.total,
    rate_per_s: Math.round(rate * 100) / 100,
    eta_s: eta,
    created_at: new Date(createdAt).toISOString(),
    completed_at: completedAt === null ? null : new Date(completedAt).toISOString(),
  };
}

/** When the job's earliest and latest retries are due. */
async function retryTimes(db: Kysely<Database>, id: string): Promise<{ first: number; last: number } | null> {
  const row = await db
    .selectFrom('job_items')
    .select((eb) => [eb.fn.min('due_at').as('first'), eb.fn.max('due_at').as('last')])
    .where('job_id', '=', id)
    // A literal, so both engines' planners may take the partial index of waiting items (migration 019).
    .where('state', '=', sql.lit('waiting'))
    .executeTakeFirst();
  const first = row?.first as number | string | null | undefined;
  const last = row?.last as number | string | null | undefined;
  return first === null || first === undefined || last === null || last === undefined ? null : { first: Number(first), last: Number(last) };
}
