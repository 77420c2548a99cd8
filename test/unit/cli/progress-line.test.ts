import { describe, expect, it } from 'vitest';
import { duration, progressLine } from '../../../cli/progress-line.ts';

describe('progressLine', () => {
  it('draws the bar, percent, counts, rate, ETA and retries', () => {
    expect(progressLine({ status: 'running', total: 1000, done: 350, waiting_retry: 4, progress: 0.35, rate_per_s: 12.5, eta_s: 52 }, 20)).toBe(
      '[#######-------------]  35%  350/1000  12.5/s  ETA 52s  (4 waiting to retry)',
    );
    expect(progressLine({ status: 'completed', total: 2, done: 2, waiting_retry: 0, progress: 1, rate_per_s: 0, eta_s: null }, 4)).toBe('[####] 100%  2/2  0.0/s');
  });

  it('writes durations people read', () => {
    expect([duration(0), duration(59.6), duration(61), duration(3725)]).toEqual(['0s', '1m00s', '1m01s', '1h02m']);
  });
});
