import type { Clock } from '../../protocol/index.ts';

/**
 * Keeps a lease while its work is out: the claim of job items (ItemClaims.renew) or an edge's
 * hold on a mail server (DomainLeases.renew). A lease says "this edge still works on it"; a task
 * may wait for a prober and run longer than one lease, and a lease that ran out lets another
 * taker in while the first work is still going — items claimed and dispatched a second time, a
 * second edge's sessions on a server this edge still talks to. `renew(until)` pushes the lease
 * out every half lease, so it ends only when this edge stops renewing it: it died, or the work
 * settled. Returns the stop function.
 */
export function keepLease(renew: (until: number) => Promise<unknown>, clock: Clock, leaseMs: number, onError: (error: unknown) => void): () => void {
  let stopped = false;
  let cancel = (): void => undefined;
  const schedule = () => {
    cancel = clock.setTimer(() => {
      void renew(clock.now() + leaseMs)
        // A failed renewal is tried again at the next turn; the lease still has half its time.
        .catch(onError)
        .finally(() => {
          if (!stopped) schedule();
        });
    }, leaseMs / 2);
  };
  schedule();
  return () => {
    stopped = true;
    cancel();
  };
}
