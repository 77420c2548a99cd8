import type { Clock } from '../../protocol/index.ts';
import type { Dispatcher } from './dispatcher.ts';
import type { DomainLease, DomainLeases } from './domain-leases.ts';
import { mxKeyOf } from './mx-key.ts';

export interface LeasedDispatcherOptions {
  leases: DomainLeases;
  clock: Clock;
  /** How long a lease holds without release: longer than a task may take. */
  leaseMs: number;
  /** Told each time a task was refused because another edge holds its mail server (for /metrics). */
  onBusy?: (domain: string) => void;
}

/**
 * A dispatcher that sends a task only while this edge holds the lease of its mail server
 * (mxKeyOf: every domain that server takes mail for), so per-server limits hold for the whole
 * fleet of edges and their probers, not per prober. When another edge holds it, the task is
 * refused as `no_prober` (for this server, none is free), which the job runner answers by
 * putting the items back for a moment without spending a retry.
 */
export function leasedDispatcher(inner: Dispatcher, options: LeasedDispatcherOptions): Dispatcher {
  const { leases, clock, leaseMs } = options;
  // Tasks out per server and the latest lease taken for it: the lease ends with the last task,
  // not with whichever finishes first.
  const held = new Map<string, { tasks: number; lease: DomainLease }>();
  return {
    agents: () => inner.agents(),
    healthyCount: () => inner.healthyCount(),
    async submit(task, submitOptions) {
      const now = clock.now();
      const server = mxKeyOf(task.plan);
      const lease = await leases.acquire(server, now, now + leaseMs);
      if (!lease) {
        options.onBusy?.(task.domain);
        return { ok: false, reason: 'no_prober', detail: `the mail server of ${task.domain} (${server}) is leased to another edge` };
      }
      const entry = held.get(server) ?? { tasks: 0, lease };
      entry.tasks += 1;
      entry.lease = lease;
      held.set(server, entry);
      try {
        return await inner.submit(task, submitOptions);
      } finally {
        entry.tasks -= 1;
        if (entry.tasks === 0) {
          held.delete(server);
          // A failed release only delays the next edge until the lease expires.
          await leases.release(entry.lease).catch(() => undefined);
        }
      }
    },
  };
}
