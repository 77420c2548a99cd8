import type { ColumnType, Generated } from 'kysely';

/**
 * queued → running → completed; `uploading` while the body streams in, `deleting` while its rows
 * go (edge/jobs/delete-job.ts): neither is ever visible to GET.
 */
export type JobStatus = 'uploading' | 'queued' | 'running' | 'completed' | 'cancelled' | 'deleting';

/** The statuses of a job nobody sees. */
export const HIDDEN_JOB_STATUSES = ['uploading', 'deleting'] as const;
export type VisibleJobStatus = Exclude<JobStatus, (typeof HIDDEN_JOB_STATUSES)[number]>;

/**
 * pending (claimable at due_at) → in_flight (claimed, lease until due_at) → done, or → waiting
 * (a retry due at due_at, see retry-policy.ts) → in_flight again. Counts are derived from these states.
 */
export type ItemState = 'pending' | 'in_flight' | 'waiting' | 'done';

export interface JobsTable {
  id: string;
  /** The principal that created the job (Principal.id): the only one that sees it. */
  owner: string;
  status: JobStatus;
  /** The input's column names (CSV header), as JSON; null for a JSON list. */
  columns_json: string | null;
  /** Input rows, duplicates included. */
  rows: number;
  created_at: number;
  completed_at: number | null;
  /** What the person called it: the uploaded file's name (`?name=`); null when not given. */
  name: string | null;
  /** The completion webhook (`?callback_url=`), see edge/jobs/webhook/; null when none. */
  callback_url: string | null;
  /** The per-job HMAC-SHA256 key its deliveries are signed with (given once, in the 202). */
  callback_secret: string | null;
  /** pending until delivered (a 2xx) or given up (failed); null without a webhook. */
  callback_state: CallbackState | null;
  callback_attempts: ColumnType<number, number | undefined, number>;
  /** When the next delivery attempt may go (it is claimed by moving this forward). */
  callback_due_at: number | null;
  /** Why the last attempt failed, for the person reading the job. */
  callback_error: string | null;
  /** How long an item may wait for retries after its first temporary answer (?max_wait); null = the runner's default. */
  max_wait_ms: number | null;
  /** When the job was first claimed from: its active time starts there. */
  started_at: number | null;
}

export type CallbackState = 'pending' | 'delivered' | 'failed';

/** One distinct address of a job (the dedup key is the normalized address). */
export interface JobItemsTable {
  id: Generated<number>;
  job_id: string;
  key: string;
  /** The address as first seen in the input. */
  email: string;
  /** The A-label domain; null for an invalid address. */
  domain: string | null;
  state: ItemState;
  /** Claims so far: a result applies only to the claim it was made for. */
  attempt: number;
  /** Temporary answers so far, against the retry budget of their cause. */
  retries: number;
  /** When a pending or waiting item may be claimed, or when an in-flight claim's lease ends; null once done. */
  due_at: number | null;
  /** Set at the first temporary answer (then + max_wait): no retry is scheduled after it. */
  retry_until: number | null;
  verdict: string | null;
  reason: string | null;
  score: number | null;
  /** The VerificationResult as JSON. */
  result_json: string | null;
  done_at: number | null;
}

export interface JobRowsTable {
  job_id: string;
  /** 1-based position among the data rows. */
  row_no: number;
  item_id: number;
  /** The address cell as given. */
  email: string;
  /** The row's cells (CSV) or the object's other fields (JSON), as JSON; null for a bare string. */
  cells_json: string | null;
}

/**
 * How many items of a job are in one state with one verdict ('' before it has one), kept by
 * triggers (migration 019-job-tally). On PostgreSQL a key may have several rows, each a change:
 * the count is their sum (edge/jobs/job-tally.ts).
 */
export interface JobTallyTable {
  job_id: string;
  state: ItemState;
  verdict: string;
  /** 1: the items have a domain, so they are resolved by a check; 0: invalid, resolved at intake. */
  checked: number;
  n: number;
}
