import { BUSY_BACKOFF } from '../../protocol/index.ts';

/** How the job runner paces itself; every field has a default suited to production. */
export interface RunnerOptions {
  /** Items claimed per store round trip. */
  claimSize: number;
  /** Addresses per ProbeTask at most (≤ MAX_TASK_ADDRESSES): small enough to spread a big domain over probers. */
  taskSize: number;
  /** Addresses per ProbeTask at least, whatever the job's size (see taskSizeFor). */
  minTaskSize: number;
  /** Items in flight at once, across all tasks: the runner's bounded concurrency. */
  maxInFlight: number;
  /** The prober's budget for one task. */
  taskDeadlineMs: number;
  /** How long a claim holds before its items may be claimed again (a lost task). */
  leaseMs: number;
  /** Greylisting: the retry delay when the reply names none, and the bounds put on the server's hint. */
  retryDelayMs: number;
  minRetryDelayMs: number;
  maxRetryDelayMs: number;
  /** Greylisting and busy: retries an item may get before it resolves as unknown / retry_budget_exhausted. */
  retryBudget: number;
  /** Busy (421, rate limits): the first retry delay, doubling per retry up to the max. */
  busyRetryBaseMs: number;
  busyRetryMaxMs: number;
  /** Broken or unreachable (tarpit, reset, garbage, refused): retries (at most one is sensible) and their delay. */
  brokenRetries: number;
  brokenRetryDelayMs: number;
  /** How long an item may wait for retries after its first temporary answer, unless the job says (?max_wait). */
  maxWaitMs: number;
  /** How often to look again while no prober is connected or the dispatcher refused work. */
  pollMs: number;
}

export const DEFAULT_RUNNER_OPTIONS: RunnerOptions = {
  claimSize: 500,
  taskSize: 50,
  minTaskSize: 5,
  maxInFlight: 2000,
  taskDeadlineMs: 5 * 60_000,
  leaseMs: 6 * 60_000,
  retryDelayMs: 5 * 60_000,
  minRetryDelayMs: 30_000,
  maxRetryDelayMs: 30 * 60_000,
  retryBudget: 5,
  busyRetryBaseMs: BUSY_BACKOFF.baseMs,
  busyRetryMaxMs: BUSY_BACKOFF.maxMs,
  brokenRetries: 1,
  brokenRetryDelayMs: 60_000,
  maxWaitMs: 15 * 60_000,
  pollMs: 1_000,
};

/**
 * A job's counts move when a task's answers come back, so its tasks hold about 1% of its rows:
 * progress moves in small steps on a small job while a large one keeps tasks of `taskSize`.
 * Not below `minTaskSize`, since every task to a dead server waits out its own timeout.
 */
export function taskSizeFor(jobRows: number, options: Pick<RunnerOptions, 'taskSize' | 'minTaskSize'>): number {
  return Math.max(1, Math.min(options.taskSize, Math.max(options.minTaskSize, Math.ceil(jobRows / 100))));
}
