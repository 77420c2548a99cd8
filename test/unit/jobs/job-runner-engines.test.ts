import { describe, expect, it } from 'vitest';
import { createStoreResultCache } from '../../../edge/cache/store-result-cache.ts';
import type { DispatchOutcome } from '../../../edge/dispatch/dispatcher.ts';
import { DomainLeases, type DomainLease } from '../../../edge/dispatch/domain-leases.ts';
import { leasedDispatcher } from '../../../edge/dispatch/leased-dispatcher.ts';
import { ItemClaims } from '../../../edge/jobs/item-claims.ts';
import { JobRunner } from '../../../edge/jobs/job-runner.ts';
import type { RunnerOptions } from '../../../edge/jobs/runner-options.ts';
import { checkSyntax } from '../../../edge/syntax/index.ts';
import type { Clock, ProbeTask } from '../../../protocol/index.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { STORE_ENGINES } from '../../support/store-engines.ts';
import { probeAnswer, ScriptedDispatcher, ScriptedResolver, seededRandom } from '../api/app-harness.ts';
import { jobsHarness, plan } from './jobs-harness.ts';

const DOMAINS = ['a.test', 'b.test', 'c.test', 'd.test'];
const plans = Object.fromEntries(DOMAINS.map((d) => [d, plan(d)]));
const accepted = probeAnswer({ outcome: 'accepted', reason: 'accepted' });

/** One more edge's runner on the harness's store, behind its own dispatcher; it knows other edges share the store. */
function edgeRunner(h: Awaited<ReturnType<typeof jobsHarness>>, dispatcher: ScriptedDispatcher | ReturnType<typeof leasedDispatcher>, options: Partial<RunnerOptions>, seed: number, clock: Clock = h.clock): JobRunner {
  return new JobRunner({ claims: new ItemClaims(h.store), sharedByEdges: true, resolver: new ScriptedResolver(plans), dispatcher, cache: createStoreResultCache(h.store), clock, random: seededRandom(seed), checkSyntax, cacheTtl: { known: 0, risky: 0, unknown: 0 }, options });
}

describe.each(STORE_ENGINES)('the job runner on $name', ({ openStore }) => {
  it('works a job to completion: one plan per domain, each address dispatched once', async () => {
    const h = await jobsHarness({ plans, runner: { taskSize: 25 }, store: await openStore() });
    const list = DOMAINS.flatMap((d) => Array.from({ length: 60 }, (_, i) => `u${i}@${d}`));
    const id = await h.create(JSON.stringify([...list, ...list.slice(0, 30)]), 'application/json');
    await h.run();
    expect(h.resolver.calls.map((c) => c.domain).sort()).toEqual(DOMAINS);
    expect(h.dispatcher.tasks.flatMap((t) => t.addresses.map((a) => a.address)).sort()).toEqual([...list].sort());
    expect(await h.status(id)).toMatchObject({ status: 'completed', rows: 270, total: 240, done: 240, counts: { deliverable: 240 } });
    expect(JSON.parse(await h.results(id))).toHaveLength(270);
  });
});

describe.each(STORE_ENGINES.filter((e) => e.name === 'postgres'))('several edges on one $name store', ({ openStore }) => {
  it('share a job: every address dispatched once, and a domain never out through two edges at once', async () => {
    const h = await jobsHarness({ plans, healthy: 0, store: await openStore() });
    const list = DOMAINS.flatMap((d) => Array.from({ length: 50 }, (_, i) => `u${i}@${d}`));
    const id = await h.create(JSON.stringify(list), 'application/json');
    // Which edge has each domain out right now; a second edge sending the same domain is a breach.
    const out = new Map<string, Set<string>>();
    let breaches = 0;
    const prober = (edge: string) =>
      new ScriptedDispatcher(async (task: ProbeTask): Promise<DispatchOutcome> => {
        const holders = out.get(task.domain) ?? new Set<string>();
        if ([...holders].some((e) => e !== edge)) breaches++;
        out.set(task.domain, holders.add(edge));
        // Held for a few turns of the event loop, so the other edge's claims and submits run meanwhile.
        for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
        holders.delete(edge);
        return accepted(task);
      });
    const probers = [prober('east'), prober('west')];
    const options = { claimSize: 15, maxInFlight: 30, taskSize: 10, pollMs: 1000 };
    const runners = ['east', 'west'].map((edge, i) => edgeRunner(h, leasedDispatcher(probers[i]!, { leases: new DomainLeases(h.store, edge), clock: h.clock, leaseMs: 60_000 }), options, i + 2));
    await Promise.all(runners.map((r) => r.start()));
    for (let turn = 0; turn < 200 && (await h.status(id)).status !== 'completed'; turn++) {
      for (const r of runners) r.wake();
      await Promise.all(runners.map((r) => r.idle()));
      // Items put back because the other edge held their domain come due a poll later.
      await h.clock.advance(1000);
    }
    await Promise.all(runners.map((r) => r.stop()));
    expect(await h.status(id)).toMatchObject({ status: 'completed', total: 200, done: 200, counts: { deliverable: 200 } });
    const sent = probers.flatMap((p) => p.tasks.flatMap((t) => t.addresses.map((a) => a.address)));
    expect(sent.sort()).toEqual([...list].sort());
    expect(probers.every((p) => p.tasks.length > 0)).toBe(true);
    expect(breaches).toBe(0);
  });

  it("take a dead edge's items once its lease ends, not before, and drop its late answers", async () => {
    // The status polls below run while the fake clock stands still: no token bucket would refill.
    const h = await jobsHarness({ plans, healthy: 0, store: await openStore(), env: { BZ_RATE_LIMIT_RPS: '0' } });
    const list = Array.from({ length: 40 }, (_, i) => `k${i}@${DOMAINS[i % 4]}`);
    const id = await h.create(JSON.stringify(list), 'application/json');
    // The dead edge: its prober never answers and its own time stands still (no timer of a dead
    // process fires), so it neither renews its leases nor claims again: its 40 items stay in
    // flight until the lease ends. A live edge would keep renewing them while its task is out.
    const dead = edgeRunner(h, new ScriptedDispatcher(() => new Promise<never>(() => {})), { leaseMs: 60_000, maxInFlight: 40 }, 2, new FakeClock(h.clock.now()));
    await dead.start();
    dead.wake();
    for (let turn = 0; turn < 1000 && (await h.status(id)).in_flight < 40; turn++) await new Promise((r) => setImmediate(r));
    const alive = new ScriptedDispatcher(accepted);
    const other = edgeRunner(h, alive, { leaseMs: 60_000 }, 3);
    // Starting does not take the live edge's claims away (on SQLite a restart re-queues them).
    await other.start();
    await other.idle();
    expect(alive.tasks).toHaveLength(0);
    expect(await h.status(id)).toMatchObject({ in_flight: 40, done: 0 });
    await h.clock.advance(60_000);
    for (let turn = 0; turn < 100 && (await h.status(id)).status !== 'completed'; turn++) {
      other.wake();
      await other.idle();
    }
    expect(await h.status(id)).toMatchObject({ status: 'completed', total: 40, done: 40, counts: { deliverable: 40 } });
    expect(alive.tasks.flatMap((t) => t.addresses).length).toBe(40);
    const attempts = await h.store.selectFrom('job_items').select('attempt').execute();
    expect(attempts.every((a) => a.attempt === 2)).toBe(true);
    await other.stop();
  });
});

/**
 * Leases whose renewals a test can wait for: the fake clock jumps half a lease at once, while a
 * renewal on PostgreSQL is real I/O that could land only after the jump (a store that slow
 * would lose the lease in production too).
 */
class AwaitedLeases extends DomainLeases {
  private readonly out = new Set<Promise<void>>();
  override renew(lease: DomainLease, until: number): Promise<void> {
    const renewal = super.renew(lease, until);
    this.out.add(renewal);
    void renewal.finally(() => this.out.delete(renewal));
    return renewal;
  }
  async renewed(): Promise<void> {
    await Promise.all(this.out);
  }
}

describe.each(STORE_ENGINES)('two edges on one $name store, one task slower than the lease', ({ openStore }) => {
  it("the other edge sends nothing to that mail server until the task is done: the server's lease is kept while it is out", async () => {
    const h = await jobsHarness({ plans, healthy: 0, store: await openStore() });
    const leaseMs = 60_000;
    // East's first task hangs until the test ends it; every plan here names one mail server.
    let finish = (): void => undefined;
    let eastOut = false;
    let sentByEast = (): void => undefined;
    const eastSent = new Promise<void>((resolve) => (sentByEast = resolve));
    const eastProber = new ScriptedDispatcher((task) => {
      if (eastProber.tasks.length > 1) return accepted(task);
      eastOut = true;
      sentByEast();
      return new Promise<DispatchOutcome>((resolve) => (finish = () => resolve(accepted(task))));
    });
    let sentWhileEastOut = 0;
    const westProber = new ScriptedDispatcher((task) => {
      if (eastOut) sentWhileEastOut++;
      return accepted(task);
    });
    let westRefused = 0;
    const edge = (leases: DomainLeases, prober: ScriptedDispatcher, seed: number) =>
      edgeRunner(h, leasedDispatcher(prober, { leases, clock: h.clock, leaseMs, onBusy: () => void (prober === westProber && westRefused++) }), { leaseMs, maxInFlight: 1, claimSize: 1, pollMs: 1000 }, seed);
    const eastLeases = new AwaitedLeases(h.store, 'east');
    const east = edge(eastLeases, eastProber, 2);
    const west = edge(new DomainLeases(h.store, 'west'), westProber, 3);
    const first = await h.create(JSON.stringify(['slow@a.test']), 'application/json');
    await east.start();
    await eastSent;
    const second = await h.create(JSON.stringify(['x@b.test', 'y@c.test', 'z@d.test']), 'application/json');
    await west.start();
    // Five leases pass while east's task is out; west keeps asking.
    for (let turn = 0; turn < 10; turn++) {
      await h.clock.advance(leaseMs / 2);
      await eastLeases.renewed();
      west.wake();
      await west.idle();
    }
    expect(westRefused).toBeGreaterThan(0);
    expect(westProber.tasks).toHaveLength(0);
    expect(eastProber.tasks).toHaveLength(1);
    eastOut = false;
    finish();
    for (let turn = 0; turn < 100 && (await h.status(second)).status !== 'completed'; turn++) {
      await h.clock.advance(1000);
      for (const r of [east, west]) r.wake();
      await Promise.all([east.idle(), west.idle()]);
    }
    await Promise.all([east.stop(), west.stop()]);
    expect(sentWhileEastOut).toBe(0);
    expect(await h.status(first)).toMatchObject({ status: 'completed', done: 1 });
    expect(await h.status(second)).toMatchObject({ status: 'completed', done: 3, counts: { deliverable: 3 } });
    const sent = [...eastProber.tasks, ...westProber.tasks].flatMap((t) => t.addresses.map((a) => a.address));
    expect(sent.sort()).toEqual(['slow@a.test', 'x@b.test', 'y@c.test', 'z@d.test']);
  });
});
