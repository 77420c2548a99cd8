/** How the job runner paces itself; every field has a default suited to production. */
export interface RunnerOptions {
  /** Items claimed per store round trip. */
  claimSize: number;
  /** Addresses per ProbeTask (at most MAX_TASK_ADDRESSES): small enough to spread a big domain over probers. */
  taskSize: number;
  /** Items in flight at once, across all tasks: the runner's bounded concurrency. */
  maxInFlight: number;
  /** The prober's budget for one task. */
  taskDeadlineMs: number;
  /** How long a claim holds before its items may be claimed again (a lost task). */
  leaseMs: number;
  /** Retry delay when a temporary answer carries no hint, and the bounds put on hints. */
  retryDelayMs: number;
  minRetryDelayMs: number;
  maxRetryDelayMs: number;
  /** Temporary answers an item may get before it resolves as unknown / retry_budget_exhausted. */
  retryBudget: number;
  /** How often to look again while no prober is connected or the dispatcher refused work. */
  pollMs: number;
}

export const DEFAULT_RUNNER_OPTIONS: RunnerOptions = {
  claimSize: 500,
  taskSize: 50,
  maxInFlight: 2000,
  taskDeadlineMs: 5 * 60_000,
  leaseMs: 6 * 60_000,
  retryDelayMs: 5 * 60_000,
  minRetryDelayMs: 30_000,
  maxRetryDelayMs: 30 * 60_000,
  retryBudget: 5,
  pollMs: 1_000,
};
