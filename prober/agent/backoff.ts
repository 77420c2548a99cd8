import type { Random } from '../../protocol/index.ts';

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 30_000 };

/**
 * Delay before reconnect attempt `attempt` (0-based): exponential with "full jitter", so a
 * fleet of agents cut off by one edge restart does not come back in lock-step.
 */
export function backoffDelay(attempt: number, random: Random, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(policy.baseMs / 2 + random.next() * (ceiling - policy.baseMs / 2));
}
