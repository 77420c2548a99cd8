import { describe, expect, it } from 'vitest';
import { statusPollMs } from '../../../cli/verify-file.ts';

describe('how often verify --file asks a job how it stands', () => {
  it('every half second for a small job, less often as the job grows, never rarer than every 10 s', () => {
    expect([0, 1_000, 50_000, 200_000, 1_000_000, 5_000_000].map(statusPollMs)).toEqual([500, 500, 500, 2_000, 10_000, 10_000]);
  });
});
