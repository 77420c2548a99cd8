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
  // Per server: this edge's tasks out (or joining) and the one lease they share. Only the first
  // task asks the store; the others join its answer, so two answers can never cross and leave
  // a lease behind that no release matches. Each joining task pushes the expiry out.
  const held = new Map<string, { tasks: number; lease: Promise<DomainLease | null> }>();
  const leave = async (server: string, entry: { tasks: number; lease: Promise<DomainLease | null> }) => {
    entry.tasks -= 1;
    if (entry.tasks > 0) return;
    if (held.get(server) === entry) held.delete(server);
    const lease = await entry.lease.catch(() => null);
    // A failed release only delays the next edge until the lease expires.
    if (lease) await leases.release(lease).catch(() => undefined);
  };
  return {
    agents: () => inner.agents(),
    healthyCount: () => inner.healthyCount(),
    async submit(task, submitOptions) {
      const now = clock.now();
      const server = mxKeyOf(task.plan);
      let entry = held.get(server);
      const joining = entry !== undefined;
      if (!entry) {
        entry = { tasks: 0, lease: leases.acquire(server, now, now + leaseMs) };
        held.set(server, entry);
      }
      entry.tasks += 1;
      const lease = await entry.lease.catch(() => null);
      if (!lease) {
        await leave(server, entry);
        options.onBusy?.(task.domain);
        return { ok: false, reason: 'no_prober', detail: `the mail server of ${task.domain} (${server}) is leased to another edge` };
      }
      // Not waited for: a renewal that fails or lands after the release changes nothing.
      if (joining) void leases.renew(lease, now + leaseMs).catch(() => undefined);
      try {
        return await inner.submit(task, submitOptions);
      } finally {
        await leave(server, entry);
      }
    },
  };
}
