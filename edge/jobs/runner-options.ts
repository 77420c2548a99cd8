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

/**
 * Overrides from the environment, for operators and for the test world, whose greylisting must
 * not take minutes: BZ_JOB_RETRY_DELAY_MS, BZ_JOB_RETRY_MIN_MS, BZ_JOB_RETRY_MAX_MS,
 * BZ_JOB_RETRY_BUDGET, BZ_JOB_TASK_SIZE; and for several edges on one store BZ_JOB_CLAIM_SIZE,
 * BZ_JOB_MAX_IN_FLIGHT, BZ_JOB_TASK_DEADLINE_MS, BZ_JOB_LEASE_MS (a dead edge's items come back
 * after the lease). Returns an error message naming a bad variable.
 */
export function runnerOptionsFromEnv(env: Record<string, string | undefined>): { ok: true; options: Partial<RunnerOptions> } | { ok: false; error: string } {
  const names: [string, keyof RunnerOptions, number, number][] = [
    ['BZ_JOB_RETRY_DELAY_MS', 'retryDelayMs', 0, 86_400_000],
    ['BZ_JOB_RETRY_MIN_MS', 'minRetryDelayMs', 0, 86_400_000],
    ['BZ_JOB_RETRY_MAX_MS', 'maxRetryDelayMs', 0, 86_400_000],
    ['BZ_JOB_RETRY_BUDGET', 'retryBudget', 0, 100],
    ['BZ_JOB_TASK_SIZE', 'taskSize', 1, 500],
    ['BZ_JOB_CLAIM_SIZE', 'claimSize', 1, 10_000],
    ['BZ_JOB_MAX_IN_FLIGHT', 'maxInFlight', 1, 100_000],
    ['BZ_JOB_TASK_DEADLINE_MS', 'taskDeadlineMs', 1_000, 86_400_000],
    ['BZ_JOB_LEASE_MS', 'leaseMs', 1_000, 86_400_000],
  ];
  const options: Partial<RunnerOptions> = {};
  for (const [name, key, min, max] of names) {
    const raw = env[name]?.trim();
    if (!raw) continue;
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) return { ok: false, error: `${name}: expected a whole number from ${min} to ${max}, got "${raw}"` };
    options[key] = n;
  }
  return { ok: true, options };
}
