import type { Clock } from '../../protocol/index.ts';
import type { HubLog } from './hub-log.ts';

export interface ThrottleOptions {
  /** Lines written per window; the rest are counted. */
  burst: number;
  windowMs: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = { burst: 20, windowMs: 60_000 };

/**
 * A log for events anyone on the network can cause (refused sockets, broken frames): the first
 * `burst` lines of a window are written, the rest become one `log_suppressed` line with their
 * count when the window ends, so a script cannot fill the disk but the operator still sees it.
 */
export function throttledLog(log: HubLog, clock: Clock, options: ThrottleOptions = DEFAULT_THROTTLE): HubLog & { close(): void } {
  let windowStart = -Infinity;
  let written = 0;
  let suppressed = new Map<string, number>();
  let cancel: (() => void) | undefined;

  const flush = () => {
    cancel = undefined;
    for (const [event, count] of suppressed) log('log_suppressed', { event, count, window_s: Math.round(options.windowMs / 1000) });
    suppressed = new Map();
  };

  const throttled = (event: string, fields: Record<string, unknown>) => {
    const now = clock.now();
    if (now - windowStart >= options.windowMs) {
      windowStart = now;
      written = 0;
    }
    if (written < options.burst) {
      written++;
      return log(event, fields);
    }
    suppressed.set(event, (suppressed.get(event) ?? 0) + 1);
    cancel ??= clock.setTimer(flush, Math.max(0, windowStart + options.windowMs - now));
  };
  return Object.assign(throttled, {
    close() {
      cancel?.();
      flush();
    },
  });
}
