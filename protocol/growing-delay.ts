/**
 * How long to stay away from a server that said it is busy, after `step` earlier such answers:
 * doubling from `baseMs`, never above `maxMs`. The prober's per-host back-off and the edge's
 * retry of a busy answer grow the same way.
 */
export function growingDelayMs(step: number, growth: { baseMs: number; maxMs: number }): number {
  return Math.min(growth.maxMs, growth.baseMs * 2 ** Math.min(Math.max(0, step), 30));
}

/** The busy back-off both sides start from: 30 s, doubling, at most 15 minutes. */
export const BUSY_BACKOFF = { baseMs: 30_000, maxMs: 15 * 60_000 } as const;
