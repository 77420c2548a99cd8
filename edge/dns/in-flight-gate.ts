/**
 * At most `limit` pieces of work at once; the rest wait their turn in order, `urgent` ones
 * first. A bulk job asks about hundreds of domains in one breath: sent all at once, the queries
 * would queue inside the resolver and time out there, and the circuit breaker would take a slow
 * moment for a dead endpoint. Queued, each query's timeout starts when it is actually sent.
 */
export function inFlightGate(limit: number): <T>(work: () => Promise<T>, urgent?: boolean) => Promise<T> {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`inFlightGate: limit must be a whole number ≥ 1, got ${limit}`);
  let running = 0;
  const queues: { urgent: (() => void)[]; normal: (() => void)[] } = { urgent: [], normal: [] };
  const next = () => {
    running--;
    (queues.urgent.shift() ?? queues.normal.shift())?.();
  };
  return async (work, urgent = false) => {
    if (running >= limit) await new Promise<void>((resolve) => (urgent ? queues.urgent : queues.normal).push(resolve));
    running++;
    try {
      return await work();
    } finally {
      next();
    }
  };
}
