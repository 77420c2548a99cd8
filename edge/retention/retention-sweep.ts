import type { Kysely } from 'kysely';
import type { Clock } from '../../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import { purgeOldData, type PurgeCounts } from './purge-old-data.ts';

export interface RetentionSweepOptions {
  db: Kysely<Database>;
  clock: Clock;
  /** BZ_RETENTION_DAYS; 0 keeps everything and starts no timer. */
  days: number;
  /** Default hourly. */
  everyMs?: number;
  onPurged?: (counts: PurgeCounts) => void;
  onError?: (error: unknown) => void;
}

/** Purges at once, then every `everyMs` on the clock; returns the function that stops it. */
export function startRetentionSweep(options: RetentionSweepOptions): () => void {
  if (options.days <= 0) return () => {};
  const everyMs = options.everyMs ?? 3_600_000;
  let cancel: (() => void) | null = null;
  let stopped = false;
  const sweep = async () => {
    try {
      options.onPurged?.(await purgeOldData(options.db, options.clock.now(), options.days));
    } catch (error) {
      options.onError?.(error);
    }
    if (!stopped) cancel = options.clock.setTimer(() => void sweep(), everyMs);
  };
  void sweep();
  return () => {
    stopped = true;
    cancel?.();
  };
}
