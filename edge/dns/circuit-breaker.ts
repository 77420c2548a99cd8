import type { Clock } from '../../protocol/index.ts';

export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  failures: number;
  /** How long an open circuit skips the endpoint before one trial query (half-open). */
  cooldownMs: number;
}

/**
 * Per-endpoint circuit breaker: a dead endpoint first in the list would otherwise cost every
 * query a full timeout. While open the endpoint is skipped; after the cool-down one query
 * tries it (half-open) and its outcome closes or reopens the circuit.
 */
export interface CircuitBreaker {
  /** May a query use the endpoint now? A true in half-open state claims the one trial. */
  tryAcquire(): boolean;
  success(): void;
  failure(): void;
  readonly state: 'closed' | 'open' | 'half_open';
}

export function createCircuitBreaker(clock: Clock, options: BreakerOptions): CircuitBreaker {
  let state: CircuitBreaker['state'] = 'closed';
  let failures = 0;
  let openUntil = 0;
  const open = () => {
    state = 'open';
    openUntil = clock.now() + options.cooldownMs;
  };
  return {
    get state() {
      return state;
    },
    tryAcquire() {
      if (state === 'closed') return true;
      if (state === 'half_open' || clock.now() < openUntil) return false;
      state = 'half_open';
      return true;
    },
    success() {
      state = 'closed';
      failures = 0;
    },
    failure() {
      failures++;
      if (state === 'half_open' || failures >= options.failures) open();
    },
  };
}
