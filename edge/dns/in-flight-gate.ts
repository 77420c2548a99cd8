/**
 * At most `limit` pieces of work at once; the rest wait their turn in order. A bulk job asks
 * about hundreds of domains in one breath: sent all at once, the queries would queue inside the
 * resolver and time out there, and the circuit breaker would take a slow moment for a dead
 * endpoint. Queued, each query's timeout starts when it is actually sent.
 */
export function inFlightGate(limit: number): <T>(work: () => Promise<T>) => Promise<T> {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`inFlightGate: limit must be a whole number ≥ 1, got ${limit}`);
  let running = 0;
  const queue: (() => void)[] = [];
  const next = () => {
    running--;
    queue.shift()?.();
  };
  return async (work) => {
    if (running >= limit) await new Promise<void>((resolve) => queue.push(resolve));
    running++;
    try {
      return await work();
    } finally {
      next();
    }
  };
}
