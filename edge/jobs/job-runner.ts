import { runDomainWork, type DomainWorkDeps } from './domain-work.ts';
import type { ClaimedItem } from './claim-statement.ts';
import type { ItemClaims } from './item-claims.ts';
import { keepLease } from './lease-keeper.ts';
import { DEFAULT_RUNNER_OPTIONS, type RunnerOptions } from './runner-options.ts';

/** What the runner needs: what a domain's work needs, with options still to be settled. */
export interface JobRunnerDeps extends Omit<DomainWorkDeps, 'options'> {
  /** Other edges work the same store (its sharedByEdges): they add jobs this one is not told of. */
  sharedByEdges: boolean;
  options?: Partial<RunnerOptions>;
  /** Told about work that failed for a reason of our own (store or resolver threw); the items are retried. */
  onError?: (error: unknown) => void;
}

/**
 * Works the jobs off the store: claims due items in batches, groups them by domain and runs each
 * domain's share, keeping at most `maxInFlight` items out at once. All state lives in the store,
 * so a killed edge loses nothing: start() re-queues what was in flight.
 */
export class JobRunner {
  readonly options: RunnerOptions;
  private readonly claims: ItemClaims;
  private readonly shared: boolean;
  /** One per domain's work, so stop() can abort them all without piling listeners on one signal. */
  private readonly controllers = new Set<AbortController>();
  private readonly work = new Set<Promise<void>>();
  private inFlight = 0;
  private pumping = false;
  private again = false;
  private started = false;
  private stopped = false;
  private cancelTimer: (() => void) | null = null;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly deps: JobRunnerDeps) {
    this.options = { ...DEFAULT_RUNNER_OPTIONS, ...deps.options };
    this.claims = deps.claims;
    this.shared = deps.sharedByEdges;
  }

  /** Re-queues items left in flight by a previous process, drops half-done uploads, and starts working. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    // Where other edges share the store their claims and uploads are live, and the claims of an
    // edge that died come due again when their leases end.
    if (!this.shared) await this.claims.recover(this.deps.clock.now());
    // A large job's rows may take a while to go: nothing waits for them.
    void this.claims.finishDeletions((normalized) => this.deps.cache.forget(normalized)).catch((error: unknown) => this.deps.onError?.(error));
    this.wake();
  }

  /** Stops claiming, aborts the tasks out, and waits for them to settle; unfinished items stay for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer?.();
    for (const controller of this.controllers) controller.abort(new Error('job runner stopped'));
    await this.idle();
  }

  /** Look for work now (a job was created, a prober connected). */
  wake(): void {
    if (!this.started || this.stopped) return;
    void this.pump();
  }

  /** Resolves once nothing is being claimed and no task is out. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Items claimed and not yet answered, for /metrics. */
  get itemsInFlight(): number {
    return this.inFlight;
  }

  private isIdle(): boolean {
    return !this.pumping && this.work.size === 0;
  }

  private async pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      // A wake that comes while the schedule is read (an answer freed room) claims again at once.
      do {
        this.again = false;
        await this.claimWhileRoom();
        if (!this.again) await this.schedule();
      } while (this.again && !this.stopped);
    } catch (error) {
      this.deps.onError?.(error);
      this.setTimer(this.options.pollMs);
    } finally {
      this.pumping = false;
      this.settle();
    }
  }

  private async claimWhileRoom(): Promise<void> {
    const { clock, dispatcher } = this.deps;
    while (!this.stopped && this.inFlight < this.options.maxInFlight && dispatcher.healthyCount() > 0) {
      const now = clock.now();
      const room = Math.min(this.options.claimSize, this.options.maxInFlight - this.inFlight);
      const items = await this.claims.claim(now, room, now + this.options.leaseMs);
      if (items.length === 0) return;
      for (const [domain, group] of byDomain(items)) this.track(domain, group);
    }
  }

  private track(domain: string, items: ClaimedItem[]): void {
    this.inFlight += items.length;
    const controller = new AbortController();
    this.controllers.add(controller);
    const release = keepLease((until) => this.claims.renew(items, until), this.deps.clock, this.options.leaseMs, (error) => this.deps.onError?.(error));
    const done = runDomainWork({ ...this.deps, claims: this.claims, options: this.options }, domain, items, controller.signal)
      .then(() => this.claims.completeFinished([...new Set(items.map((i) => i.job_id))], this.deps.clock.now()))
      // Our own failure (store, resolver): the items' lease runs out and they are claimed again.
      .catch((error: unknown) => this.deps.onError?.(error))
      .finally(() => {
        release();
        this.inFlight -= items.length;
        this.controllers.delete(controller);
        this.work.delete(done);
        this.wake();
        this.settle();
      });
    this.work.add(done);
  }

  /** Sleeps until the next item is due; polls while no prober is connected so work resumes when one comes. */
  private async schedule(): Promise<void> {
    if (this.stopped) return;
    if (this.deps.dispatcher.healthyCount() === 0) return this.setTimer(this.options.pollMs);
    if (this.inFlight >= this.options.maxInFlight) return;
    const next = await this.claims.nextDue();
    const wait = next === null ? null : Math.max(0, next - this.deps.clock.now());
    // On a store shared by several edges, jobs arrive through the others too: look at least every pollMs.
    if (this.shared) this.setTimer(Math.min(wait ?? this.options.pollMs, this.options.pollMs));
    else if (wait !== null) this.setTimer(wait);
  }

  private setTimer(ms: number): void {
    this.cancelTimer?.();
    if (this.stopped) return;
    this.cancelTimer = this.deps.clock.setTimer(() => {
      this.cancelTimer = null;
      this.wake();
    }, ms);
  }

  private settle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function byDomain(items: ClaimedItem[]): Map<string, ClaimedItem[]> {
  const groups = new Map<string, ClaimedItem[]>();
  for (const item of items) groups.set(item.domain, [...(groups.get(item.domain) ?? []), item]);
  return groups;
}
