import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../edge/config.ts';
import { taskSizeFor } from '../../../edge/jobs/runner-options.ts';

describe('runner options', () => {
  it('reads the BZ_JOB_* overrides and names a bad one', () => {
    const loaded = loadConfig({ BZ_JOB_RETRY_DELAY_MS: '4000', BZ_JOB_RETRY_MIN_MS: '0', BZ_JOB_RETRY_BUDGET: '2', BZ_JOB_TASK_SIZE: '' });
    expect(loaded.ok && loaded.config.jobRunner).toEqual({ retryDelayMs: 4000, minRetryDelayMs: 0, retryBudget: 2 });
    expect(loadConfig({ BZ_JOB_TASK_SIZE: '501' })).toEqual({ ok: false, error: 'invalid configuration:\nBZ_JOB_TASK_SIZE: expected a whole number from 1 to 500, got "501"' });
  });

  it('sizes tasks to about 1% of a job, within the floor and the ceiling', () => {
    const o = { taskSize: 50, minTaskSize: 5 };
    expect(taskSizeFor(24, o)).toBe(5);
    expect(taskSizeFor(1000, o)).toBe(10);
    expect(taskSizeFor(1_000_000, o)).toBe(50);
    expect(taskSizeFor(24, { taskSize: 3, minTaskSize: 5 })).toBe(3);
  });
});
