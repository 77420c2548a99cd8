import type { Clock } from '../../protocol/index.ts';
import { keepLease } from '../jobs/lease-keeper.ts';
import type { Dispatcher } from './dispatcher.ts';
import type { DomainLease, DomainLeases } from './domain-leases.ts';
import { mxKeyOf } from './mx-key.ts';

export interface LeasedDispatcherOptions {
  leases: DomainLeases;
  clock: Clock;
  /** How long a lease holds without renewal: it is renewed every half lease while tasks are out. */
  leaseMs: number;
  /** Told each time a task was refused because another edge holds its mail server (for /metrics). */
  onBusy?: (domain: string) => void;
  /** Told when renewing a lease failed (the store); it is tried again at the next turn. */
  onError?: (error: unknown) => void;
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
  // a lease behind that no release matches. The lease is kept (renewed) while any task is out:
  // one task slower than the lease must not let another edge onto the server meanwhile.
  const held = new Map<string, Holding>();
  const hold = (server: string, now: number): Holding => {
    const entry: Holding = { tasks: 0, lease: leases.acquire(server, now, now + leaseMs), stop: () => undefined };
    entry.lease = entry.lease.then((lease) => {
      if (lease) entry.stop = keepLease((until) => leases.renew(lease, until), clock, leaseMs, options.onError ?? (() => undefined));
      return lease;
    });
    return entry;
  };
  const leave = async (server: string, entry: Holding) => {
    entry.tasks -= 1;
    if (entry.tasks > 0) return;
    if (held.get(server) === entry) held.delete(server);
    const lease = await entry.lease.catch(() => null);
    entry.stop();
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
      if (!entry) {
        entry = hold(server, now);
        held.set(server, entry);
      }
      entry.tasks += 1;
      const lease = await entry.lease.catch(() => null);
      if (!lease) {
        await leave(server, entry);
        options.onBusy?.(task.domain);
        return { ok: false, reason: 'no_prober', detail: `the mail server of ${task.domain} (${server}) is leased to another edge` };
      }
      try {
        return await inner.submit(task, submitOptions);
      } finally {
        await leave(server, entry);
      }
    },
  };
}

/** This edge's hold on one server: its tasks out, the lease they share, and how to stop renewing it. */
interface Holding {
  tasks: number;
  lease: Promise<DomainLease | null>;
  stop: () => void;
}
