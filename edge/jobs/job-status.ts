import type { Kysely } from 'kysely';
import { VERDICTS, type Verdict } from '../../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import type { JobStatus } from '../store/tables/jobs.ts';

/** The completion rate is measured over this recent window. */
export const RATE_WINDOW_MS = 60_000;

export interface JobReport {
  id: string;
  status: Exclude<JobStatus, 'uploading'>;
  /** Input rows, duplicates included. */
  rows: number;
  /** Distinct addresses; the counts below are over these. */
  total: number;
  done: number;
  pending: number;
  in_flight: number;
  waiting_retry: number;
  /** ISO time the earliest greylisting retry is due, or null. */
  next_retry_at: string | null;
  counts: Record<Verdict, number>;
  progress: number;
  /** Addresses resolved per second over the last minute. */
  rate_per_s: number;
  /** Seconds to completion at that rate; null when nothing was resolved lately (or nothing is left). */
  eta_s: number | null;
  created_at: string;
  completed_at: string | null;
}

/** A job's state derived from its items' states (never from counters), so it is right after any crash. */
export async function jobReport(db: Kysely<Database>, id: string, now: number): Promise<JobReport | null> {
  const job = await db.selectFrom('jobs').selectAll().where('id', '=', id).where('status', '!=', 'uploading').executeTakeFirst();
  if (!job) return null;
  // bigint columns come back as strings from some drivers (PostgreSQL).
  const createdAt = Number(job.created_at);
  const completedAt = job.completed_at === null ? null : Number(job.completed_at);
  const groups = await db
    .selectFrom('job_items')
    .select(['state', 'verdict', (eb) => eb.fn.countAll<number>().as('n')])
    .where('job_id', '=', id)
    .groupBy(['state', 'verdict'])
    .execute();
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  const by = { pending: 0, in_flight: 0, waiting: 0, done: 0 };
  for (const g of groups) {
    const n = Number(g.n);
    by[g.state] += n;
    if (g.state === 'done' && g.verdict) counts[g.verdict as Verdict] += n;
  }
  const total = by.pending + by.in_flight + by.waiting + by.done;
  const recent = await db
    .selectFrom('job_items')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('job_id', '=', id)
    .where('done_at', '>', Math.max(now - RATE_WINDOW_MS, createdAt))
    .executeTakeFirst();
  const elapsed = Math.min(RATE_WINDOW_MS, Math.max(1, now - createdAt));
  const rate = (Number(recent?.n ?? 0) * 1000) / elapsed;
  const left = total - by.done;
  const nextRetry = by.waiting > 0 ? await earliestRetry(db, id) : null;
  return {
    id,
    status: job.status as JobReport['status'],
    rows: job.rows,
    total,
    done: by.done,
    pending: by.pending,
    in_flight: by.in_flight,
    waiting_retry: by.waiting,
    next_retry_at: nextRetry === null ? null : new Date(nextRetry).toISOString(),
    counts,
    progress: total === 0 ? 1 : by.done / total,
    rate_per_s: Math.round(rate * 100) / 100,
    eta_s: left === 0 || rate === 0 ? null : Math.ceil(left / rate),
    created_at: new Date(createdAt).toISOString(),
    completed_at: completedAt === null ? null : new Date(completedAt).toISOString(),
  };
}

async function earliestRetry(db: Kysely<Database>, id: string): Promise<number | null> {
  const row = await db
    .selectFrom('job_items')
    .select((eb) => eb.fn.min('due_at').as('due'))
    .where('job_id', '=', id)
    .where('state', '=', 'waiting')
    .executeTakeFirst();
  const due = row?.due as number | string | null | undefined;
  return due === null || due === undefined ? null : Number(due);
}
