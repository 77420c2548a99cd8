import type { Kysely } from 'kysely';
import type { Verdict } from '../../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import { HIDDEN_JOB_STATUSES, type CallbackState, type VisibleJobStatus } from '../store/tables/jobs.ts';
import { emptyTally, readTallies } from './job-tally.ts';

export const LIST_LIMIT = { default: 20, max: 100 };

/** One line of GET /v1/jobs: enough to recognise a job and see where it stands. */
export interface JobSummary {
  id: string;
  name: string | null;
  status: VisibleJobStatus;
  rows: number;
  total: number;
  done: number;
  progress: number;
  counts: Record<Verdict, number>;
  created_at: string;
  completed_at: string | null;
  callback: { state: CallbackState; attempts: number; error: string | null } | null;
}

export interface JobList {
  jobs: JobSummary[];
  /** Pass as `?cursor=` for the next (older) page; null on the last page. */
  next_cursor: string | null;
}

/** `created_at.id` of the last job shown: the next page starts strictly after it (keyset, stable while jobs are added). */
function cursorOf(createdAt: number, id: string): string {
  return `${createdAt}.${id}`;
}

export function parseCursor(cursor: string): { createdAt: number; id: string } | null {
  const m = /^(\d{1,16})\.([A-Za-z0-9_-]{1,64})$/.exec(cursor);
  return m ? { createdAt: Number(m[1]), id: m[2] as string } : null;
}

/** The owner's jobs, newest first, one page of them with their counts (two queries, whatever the page size and the jobs' sizes). */
export async function listJobs(db: Kysely<Database>, owner: string, page: { limit: number; after?: { createdAt: number; id: string } }): Promise<JobList> {
  let query = db
    .selectFrom('jobs')
    .select(['id', 'name', 'status', 'rows', 'created_at', 'completed_at', 'callback_state', 'callback_attempts', 'callback_error'])
    .where('owner', '=', owner)
    .where('status', 'not in', HIDDEN_JOB_STATUSES);
  const after = page.after;
  if (after) query = query.where((eb) => eb.or([eb('created_at', '<', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)])]));
  const jobs = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit + 1).execute();
  const shown = jobs.slice(0, page.limit);
  const tallies = await readTallies(db, shown.map((j) => j.id));
  const summaries = shown.map((job): JobSummary => {
    const { total, done, counts } = tallies.get(job.id) ?? emptyTally();
    return {
      id: job.id,
      name: job.name,
      status: job.status as JobSummary['status'],
      rows: job.rows,
      total,
      done,
      progress: total === 0 ? 1 : done / total,
      counts,
      // bigint columns come back as strings from some drivers (PostgreSQL).
      created_at: new Date(Number(job.created_at)).toISOString(),
      completed_at: job.completed_at === null ? null : new Date(Number(job.completed_at)).toISOString(),
      callback: job.callback_state === null ? null : { state: job.callback_state, attempts: job.callback_attempts, error: job.callback_error },
    };
  });
  const last = shown.at(-1);
  return { jobs: summaries, next_cursor: jobs.length > page.limit && last ? cursorOf(Number(last.created_at), last.id) : null };
}
