import { describe, expect, it } from 'vitest';
import { createAgentHub } from '../../../edge/dispatch/agent-hub.ts';
import type { Dispatcher, DispatchOutcome } from '../../../edge/dispatch/dispatcher.ts';
import { DomainLeases } from '../../../edge/dispatch/domain-leases.ts';
import { leasedDispatcher } from '../../../edge/dispatch/leased-dispatcher.ts';
import { HostLimiter } from '../../../prober/pool/host-limiter.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { STORE_ENGINES } from '../../support/store-engines.ts';
import { FakeNetwork } from '../smtp/fake-smtp.ts';
import { makeTask, runnerFor, settle } from '../smtp/harness.ts';
import { MemoryAgentStore, addAgent, connect, resultFor, task, until } from './hub-harness.ts';

/** One mail server for many domains (a hosting provider), as every plan below says. */
const SHARED_MX = '192.0.2.7';

describe('per-server politeness across probers, one edge (in memory)', () => {
  it('tasks of different domains on one mail server all go to the prober that holds that server', async () => {
    const clock = new FakeClock();
    const store = new MemoryAgentStore();
    const hub = createAgentHub({ store, clock, heartbeatMs: 1_000, revocationPollMs: 60_000, log: () => {} });
    for (const id of ['a', 'b']) await addAgent(store, id);
    const a = await connect(hub, clock, 'a', { capacity: 4 });
    const b = await connect(hub, clock, 'b', { capacity: 4 });
    await until(() => a.of('ready').length > 0 && b.of('ready').length > 0);
    const shared = Array.from({ length: 6 }, (_, i) => task(`s${i}`, `tenant${i}.test`, SHARED_MX));
    for (const t of shared) void hub.submit(t);
    void hub.submit(task('o1', 'elsewhere.test'));
    await until(() => a.tasks().length + b.tasks().length === 5);
    const counts = [a, b].map((p) => p.tasks().filter((t) => t.plan.hosts[0]!.addresses[0] === SHARED_MX).length).sort();
    // One prober has four (its capacity) and the other none, though it has room: it took the other server's task.
    expect(counts).toEqual([0, 4]);
    const holder = a.tasks().some((t) => t.domain.startsWith('tenant')) ? a : b;
    for (const t of shared.slice(0, 4)) holder.answer(t);
    await until(() => holder.tasks().filter((t) => t.domain.startsWith('tenant')).length === 6);
    expect((holder === a ? b : a).tasks().filter((t) => t.domain.startsWith('tenant'))).toHaveLength(0);
  });
});

/** A prober of its own (own runner, own host limiter: at most 2 sessions per server) behind a Dispatcher. */
function prober(network: FakeNetwork, clock: FakeClock): Dispatcher {
  const run = runnerFor(network, clock, { limiter: new HostLimiter(clock, { maxConcurrent: 2, maxPerMinute: 1000 }) });
  return {
    submit: async (t) => ({ ok: true, result: await run(t), agent_id: 'p' }) satisfies DispatchOutcome,
    agents: () => [],
    healthyCount: () => 1,
  };
}

/** The shared server, answering each RCPT 100 ms late, so sessions overlap; it counts sessions open at once. */
function sharedServer(clock: FakeClock) {
  const seen = { open: 0, peak: 0 };
  const network = new FakeNetwork(
    {
      [SHARED_MX]: {
        onConnect: () => (seen.peak = Math.max(seen.peak, ++seen.open)),
        onClose: () => seen.open--,
        onLine: (line, s) => {
          if (!line.startsWith('RCPT')) return undefined;
          clock.setTimer(() => s.send('250 2.1.5 Ok\r\n'), 100);
          return null;
        },
      },
    },
    clock,
  );
  return { network, seen };
}

const tasksFor = (edge: string) => Array.from({ length: 4 }, (_, i) => makeTask(`${edge}${i}.test`, ['alice', 'bob'], [['mx.host.test', SHARED_MX]], { id: `${edge}${i}` }));

describe.each(STORE_ENGINES)('per-server politeness across two edges and their probers on one $name store', ({ open }) => {
  it('only the edge holding the server\'s lease dispatches to it: at most 2 sessions at once there, not 2 per prober', async () => {
    const db = await open();
    const clock = new FakeClock();
    const { network, seen } = sharedServer(clock);
    const edges = ['edge-a', 'edge-b'].map((holder) => leasedDispatcher(prober(network, clock), { leases: new DomainLeases(db, holder), clock, leaseMs: 60_000 }));
    const outcomes = await settle(clock, Promise.all([...tasksFor('a').map((t) => edges[0]!.submit(t)), ...tasksFor('b').map((t) => edges[1]!.submit(t))]));
    const probed = outcomes.filter((o) => o.ok);
    const refused = outcomes.filter((o) => !o.ok && o.reason === 'no_prober');
    expect(probed.length + refused.length).toBe(8);
    expect(probed.length).toBeGreaterThanOrEqual(4);
    // At most the limit (2): how many overlap at once depends on when the store answers.
    expect(seen.peak).toBeGreaterThanOrEqual(1);
    expect(seen.peak).toBeLessThanOrEqual(2);
    expect(network.sessions.length).toBeGreaterThan(0);
    // The lease ends with the last task: the refused ones get through when asked again.
    const again = await settle(clock, Promise.all(refused.map((_, i) => edges[1]!.submit(makeTask(`retry${i}.test`, ['alice'], [['mx.host.test', SHARED_MX]], { id: `r${i}` })))));
    expect(again.every((o) => o.ok)).toBe(true);
    expect(seen.peak).toBeLessThanOrEqual(2);
  });

  it('an edge whose last prober went away gives its task back and lets go of the server within 5 s, so the other edge gets it', async () => {
    const db = await open();
    const clock = new FakeClock();
    const agents = new MemoryAgentStore();
    await addAgent(agents, 'a');
    const hub = createAgentHub({ store: agents, clock, heartbeatMs: 1_000, revocationPollMs: 60_000, log: () => {} });
    const a = await connect(hub, clock, 'a');
    await until(() => a.of('ready').length > 0);
    const edgeA = leasedDispatcher(hub, { leases: new DomainLeases(db, 'edge-a'), clock, leaseMs: 6_000 });
    const answered: string[] = [];
    const alwaysThere: Dispatcher = {
      submit: async (t) => (answered.push(t.id), { ok: true, result: resultFor(t), agent_id: 'b' }),
      agents: () => [],
      healthyCount: () => 1,
    };
    const edgeB = leasedDispatcher(alwaysThere, { leases: new DomainLeases(db, 'edge-b'), clock, leaseMs: 6_000 });

    let held: DispatchOutcome | undefined;
    void edgeA.submit(task('a1', 'tenant1.test', SHARED_MX)).then((o) => (held = o));
    await until(() => a.tasks().length === 1);
    expect(await edgeB.submit(task('b1', 'tenant2.test', SHARED_MX))).toMatchObject({ ok: false, reason: 'no_prober' });

    // Gone with the task: it waits 5 s for a prober (the lease kept meanwhile), then comes back.
    a.disconnect();
    await clock.advance(4_000);
    expect(held).toBeUndefined();
    expect(await edgeB.submit(task('b2', 'tenant2.test', SHARED_MX))).toMatchObject({ ok: false, reason: 'no_prober' });
    await clock.advance(1_000);
    await until(() => held !== undefined);
    expect(held).toMatchObject({ ok: false, reason: 'no_prober' });
    expect(await edgeB.submit(task('b3', 'tenant2.test', SHARED_MX))).toMatchObject({ ok: true });
    expect(answered).toEqual(['b3']);
    hub.close();
  });

  it('control: without the lease, two probers hold 4 sessions at once on that server', async () => {
    const clock = new FakeClock();
    const { network, seen } = sharedServer(clock);
    const probers = [prober(network, clock), prober(network, clock)];
    await settle(clock, Promise.all([...tasksFor('a').map((t) => probers[0]!.submit(t)), ...tasksFor('b').map((t) => probers[1]!.submit(t))]));
    expect(seen.peak).toBe(4);
  });
});
