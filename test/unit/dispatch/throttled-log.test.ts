import { describe, expect, it } from 'vitest';
import { throttledLog } from '../../../edge/dispatch/throttled-log.ts';
import { FakeClock } from '../../support/fake-clock.ts';

describe('throttledLog', () => {
  it('writes a burst per window and one count of the rest when the window ends', async () => {
    const clock = new FakeClock();
    const lines: [string, Record<string, unknown>][] = [];
    const log = throttledLog((e, f) => lines.push([e, f]), clock, { burst: 3, windowMs: 60_000 });
    for (let i = 0; i < 1000; i++) log('agent_refused', { i });
    expect(lines).toHaveLength(3);
    await clock.advance(60_000);
    expect(lines).toHaveLength(4);
    expect(lines[3]).toEqual(['log_suppressed', { event: 'agent_refused', count: 997, window_s: 60 }]);
    log('agent_refused', { i: 'next window' });
    expect(lines).toHaveLength(5);
    await clock.advance(120_000);
    expect(lines).toHaveLength(5);
  });

  it('counts what is left when closed', () => {
    const clock = new FakeClock();
    const lines: string[] = [];
    const log = throttledLog((e, f) => lines.push(`${e} ${JSON.stringify(f)}`), clock, { burst: 1, windowMs: 60_000 });
    log('a', {});
    log('a', {});
    log('b', {});
    log.close();
    expect(lines).toEqual(['a {}', 'log_suppressed {"event":"a","count":1,"window_s":60}', 'log_suppressed {"event":"b","count":1,"window_s":60}']);
  });
});
