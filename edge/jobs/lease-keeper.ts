import type { Clock } from '../../protocol/index.ts';
import type { ClaimRef, ItemClaims } from './item-claims.ts';

/**
 * Keeps the lease of claimed items while their work is out. A claim's lease says "this edge
 * still works on it"; a task may wait for a prober and run longer than one lease, and an item
 * whose lease ran out is due again, so it would be claimed and dispatched a second time (and a
 * third …) while the first answer is still coming. The lease is pushed out every half lease,
 * so it ends only when this edge stops renewing it: it died, or the work settled.
 * Returns the stop function.
 */
export function keepLeases(claims: ItemClaims, clock: Clock, refs: ClaimRef[], leaseMs: number, onError: (error: unknown) => void): () => void {
  let stopped = false;
  let cancel = (): void => undefined;
  const schedule = () => {
    cancel = clock.setTimer(() => {
      void claims
        .renew(refs, clock.now() + leaseMs)
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
