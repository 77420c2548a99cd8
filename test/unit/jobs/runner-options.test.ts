import { describe, expect, it } from 'vitest';
import { isRetriable, retryDelayMs } from '../../../edge/jobs/retry-policy.ts';
import { loadConfig } from '../../../edge/config.ts';
import { DEFAULT_RUNNER_OPTIONS } from '../../../edge/jobs/runner-options.ts';

describe('runner options and retry policy', () => {
  it('reads the BZ_JOB_* overrides and names a bad one', () => {
    const loaded = loadConfig({ BZ_JOB_RETRY_DELAY_MS: '4000', BZ_JOB_RETRY_MIN_MS: '0', BZ_JOB_RETRY_BUDGET: '2', BZ_JOB_TASK_SIZE: '' });
    expect(loaded.ok && loaded.config.jobRunner).toEqual({ retryDelayMs: 4000, minRetryDelayMs: 0, retryBudget: 2 });
    expect(loadConfig({ BZ_JOB_TASK_SIZE: '501' })).toEqual({ ok: false, error: 'invalid configuration:\nBZ_JOB_TASK_SIZE: expected a whole number from 1 to 500, got "501"' });
  });

  it('takes the hint within bounds, else the default', () => {
    expect(retryDelayMs(120, DEFAULT_RUNNER_OPTIONS)).toBe(120_000);
    expect(retryDelayMs(undefined, DEFAULT_RUNNER_OPTIONS)).toBe(300_000);
    expect(retryDelayMs(3, DEFAULT_RUNNER_OPTIONS)).toBe(30_000);
    expect(retryDelayMs(86_400, DEFAULT_RUNNER_OPTIONS)).toBe(1_800_000);
  });

  it('retries "not now" answers only', () => {
    expect(isRetriable({ outcome: 'temporary', reason: 'greylisted' })).toBe(true);
    expect(isRetriable({ outcome: 'error', reason: 'smtp_timeout' })).toBe(true);
    expect(isRetriable({ outcome: 'temporary', reason: 'mailbox_full' })).toBe(false);
    expect(isRetriable({ outcome: 'rejected', reason: 'mailbox_not_found' })).toBe(false);
    expect(isRetriable({ outcome: 'error', reason: 'blocked_by_server' })).toBe(false);
  });
});
