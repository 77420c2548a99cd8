import { describe, expect, it } from 'vitest';
import { createAgentHub, type AgentHub } from '../../../edge/dispatch/agent-hub.ts';
import type { DispatchOutcome } from '../../../edge/dispatch/dispatcher.ts';
import { CLOSE, PROTOCOL_VERSION, SHARED_PRELUDES, sharePreludes, type ProbeResult, type ProbeTask, type TranscriptLine } from '../../../protocol/index.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { MemoryAgentStore, addAgent, connect, resultFor, task, until, type PeerEnd } from './hub-harness.ts';

async function setup(ids: string[], store = new MemoryAgentStore()) {
  const clock = new FakeClock();
  const ready = { count: 0 };
  const hub = createAgentHub({
    onAgentReady: () => ready.count++,
    store,
    clock,
    heartbeatMs: 1_000,
    revocationPollMs: 60_000,
    log: () => {},
    dns: async (name, qtype) => ({ rcode: name === 'x.test' ? 'NOERROR' : 'NXDOMAIN', answers: name === 'x.test' ? [`${qtype}:127.0.0.5`] : [] }),
  });
  for (const id of ids) await addAgent(store, id);
  return { clock, store, hub, ready };
}

async function ready(peer: PeerEnd) {
  await until(() => peer.of('ready').length > 0);
  return peer;
}

/** The agent answers `t`, saying its prober now backs off from `provider` for `seconds`; resolves once the hub took it. */
async function answerHeldOff(hub: AgentHub, peer: PeerEnd, t: ProbeTask, provider: string, seconds: number) {
  peer.send({ type: 'result', v: PROTOCOL_VERSION, result: { ...resultFor(t), stats: { connections: 1, commands: 3, round_trips: 3, held_off: [{ provider, for_s: seconds }] } } });
  await until(() => hub.metrics().tasks_in_flight === 0);
}

function track(promise: Promise<DispatchOutcome>) {
  const box: { outcome?: DispatchOutcome } = {};
  void promise.then((o) => (box.outcome = o));
  return box;
}

describe('routing', () => {
  it('answers no_prober at once when no agent is connected, and says when one becomes ready', async () => {
    const { clock, hub, ready: readyCount } = await setup(['a']);
    expect(await hub.submit(task('t1'))).toMatchObject({ ok: false, reason: 'no_prober' });
    expect(readyCount.count).toBe(0);
    await ready(await connect(hub, clock, 'a'));
    expect(readyCount.count).toBe(1);
  });

  it('never gives an agent more tasks than its capacity; submit waits for a slot and honours its signal', async () => {
    const { clock, hub } = await setup(['a']);
    const a = await ready(await connect(hub, clock, 'a', { capacity: 2 }));
    const tasks = ['t1', 't2', 't3', 't4'].map((id) => task(id));
    const abort = new AbortController();
    const outcomes = tasks.map((t, i) => track(hub.submit(t, i === 3 ? { signal: abort.signal } : {})));
    await until(() => a.tasks().length === 2);
    expect(a.tasks().map((t) => t.id)).toEqual(['t1', 't2']);
    expect(hub.metrics()).toMatchObject({ tasks_waiting: 2, tasks_in_flight: 2 });

    abort.abort();
    await until(() => outcomes[3]!.outcome !== undefined);
    expect(outcomes[3]!.outcome).toMatchObject({ ok: false, reason: 'deadline_exceeded' });

    a.answer(tasks[0]!);
    await until(() => a.tasks().length === 3);
    expect(outcomes[0]!.outcome).toMatchObject({ ok: true, agent_id: 'a', result: { task_id: 't1' } });
    expect(a.tasks().map((t) => t.id)).toEqual(['t1', 't2', 't3']);
    a.answer(tasks[1]!);
    a.answer(tasks[2]!);
    await until(() => outcomes[2]!.outcome !== undefined);
    expect(a.tasks()).toHaveLength(3); // the aborted t4 was never handed out
    expect(hub.metrics()).toMatchObject({ tasks_dispatched: 3, tasks_waiting: 0, tasks_in_flight: 0 });
  });

  it('keeps a domain on one agent while it is connected, and spreads other domains by load', async () => {
    const { clock, hub } = await setup(['a', 'b']);
    const a = await ready(await connect(hub, clock, 'a', { capacity: 1 }));
    const b = await ready(await connect(hub, clock, 'b', { capacity: 4 }));
    const same = [task('s1', 'same.test'), task('s2', 'same.test'), task('s3', 'same.test')];
    for (const t of same) void hub.submit(t);
    await until(() => a.tasks().length === 1);
    // both idle: the first connected wins the domain; full at capacity 1, yet s2 waits for it
    expect(a.tasks().map((t) => t.id)).toEqual(['s1']);
    void hub.submit(task('o1', 'other.test'));
    await until(() => b.tasks().length > 0);
    expect(b.tasks().map((t) => t.id)).toEqual(['o1']);
    const holder = a;
    const other = b;
    for (const t of same) {
      await until(() => holder.tasks().some((x) => x.id === t.id));
      holder.answer(t);
    }
    await until(() => hub.metrics().tasks_in_flight <= 1);
    expect(holder.tasks().filter((t) => t.domain === 'same.test')).toHaveLength(3);
    expect(other.tasks().filter((t) => t.domain === 'same.test')).toHaveLength(0);
  });

  it('tells an agent at ready that it reads shared preludes, and hands on whole transcripts', async () => {
    const { clock, hub } = await setup(['a']);
    const a = await ready(await connect(hub, clock, 'a'));
    expect(a.of('ready')[0]!.features).toContain(SHARED_PRELUDES);
    const t = task('t1');
    const outcome = track(hub.submit(t));
    await until(() => a.tasks().length === 1);
    const line = (text: string, i: number): TranscriptLine => ({ at_ms: i, dir: 's', text });
    const opening = ['connected', '220 mx ESMTP', 'EHLO p.test', '250 PIPELINING'].map(line);
    const results = ['x', 'y'].map((local, i): ProbeResult['results'][number] => ({
      id: `i${i}`, address: `${local}@${t.domain}`, signals: [], smtp: { outcome: 'accepted', reason: 'accepted', transcript: [...opening, line(`250 ${local}`, 9)] },
    }));
    const whole: ProbeResult = { ...resultFor(t), results };
    a.send({ type: 'result', v: PROTOCOL_VERSION, result: sharePreludes(whole) });
    await until(() => outcome.outcome !== undefined);
    expect(outcome.outcome).toEqual({ ok: true, agent_id: 'a', result: whole });
  });

  it('applies each result once: a duplicate is dropped and counted', async () => {
    const { clock, hub } = await setup(['a']);
    const a = await ready(await connect(hub, clock, 'a'));
    const t = task('t1');
    const outcome = track(hub.submit(t));
    const joined = track(hub.submit(t)); // the same task id twice is one task
    await until(() => a.tasks().length === 1);
    a.answer(t);
    a.answer(t);
    await until(() => hub.metrics().duplicate_results_dropped === 1);
    expect(outcome.outcome).toMatchObject({ ok: true });
    expect(joined.outcome).toEqual(outcome.outcome);
    expect(a.tasks()).toHaveLength(1);
    expect(hub.metrics()).toMatchObject({ tasks_dispatched: 1, duplicate_results_dropped: 1 });
  });

  it('drops an agent that misses 3 heartbeats and gives its tasks to another', async () => {
    const { clock, hub } = await setup(['a', 'b']);
    const a = await ready(await connect(hub, clock, 'a', { capacity: 5 }));
    const tasks = ['t1', 't2'].map((id) => task(id));
    const outcomes = tasks.map((t) => track(hub.submit(t)));
    await until(() => a.tasks().length === 2);
    const b = await ready(await connect(hub, clock, 'b', { capacity: 5 }));
    for (let i = 0; i < 3; i++) {
      b.send({ type: 'heartbeat', v: PROTOCOL_VERSION });
      await clock.advance(1_000);
    }
    expect(a.closed).toBeUndefined(); // silent for 3 periods: not yet
    expect(a.of('heartbeat').length).toBeGreaterThanOrEqual(2);
    b.send({ type: 'heartbeat', v: PROTOCOL_VERSION });
    await clock.advance(1_000);
    expect(a.closed?.code).toBe(CLOSE.heartbeatMissed);
    await until(() => b.tasks().length === 2);
    for (const t of tasks) b.answer(t);
    a.answer(tasks[0]!); // too late: a is gone
    await until(() => outcomes.every((o) => o.outcome));
    expect(outcomes.map((o) => o.outcome)).toMatchObject([{ agent_id: 'b' }, { agent_id: 'b' }]);
    expect(hub.metrics()).toMatchObject({ tasks_dispatched: 2, tasks_redispatched: 2, agents_connected: 1 });
  });

  it('re-dispatches on disconnect; a late result from the old agent wins once and the other copy is dropped', async () => {
    const { clock, hub } = await setup(['a', 'b']);
    const a = await ready(await connect(hub, clock, 'a'));
    const t = task('t1');
    const outcome = track(hub.submit(t));
    await until(() => a.tasks().length === 1);
    a.disconnect();
    expect(hub.metrics().tasks_waiting).toBe(1); // waits: nobody to run it
    const b = await ready(await connect(hub, clock, 'b'));
    await until(() => b.tasks().length === 1);
    const a2 = await ready(await connect(hub, clock, 'a'));
    a2.answer(t); // from a's outbox after reconnecting
    await until(() => outcome.outcome !== undefined);
    expect(outcome.outcome).toMatchObject({ ok: true, agent_id: 'a' });
    expect(hub.agents().find((x) => x.id === 'b')?.in_flight).toBe(1); // b still runs its copy
    b.answer(t);
    await until(() => hub.metrics().duplicate_results_dropped === 1);
    expect(hub.agents().find((x) => x.id === 'b')?.in_flight).toBe(0);
  });

  it('sends no work to an agent whose port 25 is blocked', async () => {
    const { clock, hub } = await setup(['a', 'b']);
    const a = await ready(await connect(hub, clock, 'a'));
    a.send({ type: 'doctor', v: PROTOCOL_VERSION, port25: false, checks: [{ name: 'port25', ok: false, detail: 'all dials timed out' }] });
    await until(() => hub.agents()[0]?.port25 === false);
    expect(hub.healthyCount()).toBe(0);
    expect(await hub.submit(task('t1'))).toMatchObject({ ok: false, reason: 'prober_port25_blocked' });
    const b = await ready(await connect(hub, clock, 'b'));
    const outcome = track(hub.submit(task('t2')));
    await until(() => b.tasks().length === 1);
    b.answer(task('t2'));
    await until(() => outcome.outcome !== undefined);
    expect(a.tasks()).toEqual([]);
    expect(outcome.outcome).toMatchObject({ ok: true, agent_id: 'b' });
  });

  it('gives no new work to a draining agent, and answers its DNS questions through the lookup', async () => {
    const { clock, hub } = await setup(['a']);
    const a = await ready(await connect(hub, clock, 'a'));
    a.send({ type: 'dns_query', v: PROTOCOL_VERSION, qid: 'q1', name: 'x.test', qtype: 'A' });
    a.send({ type: 'dns_query', v: PROTOCOL_VERSION, qid: 'q2', name: 'y.test', qtype: 'PTR' });
    a.send({ type: 'drain', v: PROTOCOL_VERSION });
    await until(() => a.of('dns_answer').length === 2);
    expect(a.of('dns_answer')).toMatchObject([
      { qid: 'q1', rcode: 'NOERROR', answers: ['A:127.0.0.5'] },
      { qid: 'q2', rcode: 'NXDOMAIN', answers: [] },
    ]);
    void hub.submit(task('t1'));
    await until(() => hub.metrics().tasks_waiting === 1);
    expect(a.tasks()).toEqual([]);
    expect(hub.healthyCount()).toBe(0);
  });

  it('gives waiting tasks back as no_prober after 5 s with no agent that can take them, and keeps them while one comes back in time', async () => {
    const { clock, hub } = await setup(['a', 'b']);
    const a = await ready(await connect(hub, clock, 'a', { capacity: 2 }));
    const tasks = ['t1', 't2', 't3'].map((id) => task(id));
    const outcomes = tasks.map((t) => track(hub.submit(t)));
    await until(() => a.tasks().length === 2);

    // Lost, and back within the grace: nothing is given back, the new connection takes the work.
    a.disconnect();
    await clock.advance(4_000);
    const a2 = await ready(await connect(hub, clock, 'a', { capacity: 2 }));
    await until(() => a2.tasks().length === 2);
    await clock.advance(2_000);
    expect(outcomes.map((o) => o.outcome)).toEqual([undefined, undefined, undefined]);
    expect(hub.metrics()).toMatchObject({ tasks_given_back: 0, tasks_waiting: 1 });

    // Lost for good: after 5 s every waiting task is answered no_prober and leaves the board.
    a2.disconnect();
    await clock.advance(4_999);
    expect(outcomes.map((o) => o.outcome)).toEqual([undefined, undefined, undefined]);
    await clock.advance(1);
    await until(() => outcomes.every((o) => o.outcome !== undefined));
    expect(outcomes.map((o) => o.outcome)).toMatchObject([{ reason: 'no_prober' }, { reason: 'no_prober' }, { reason: 'no_prober' }]);
    expect(hub.metrics()).toMatchObject({ tasks_given_back: 3, tasks_waiting: 0 });
    const b = await ready(await connect(hub, clock, 'b'));
    await clock.advance(1_000);
    expect(b.tasks()).toEqual([]);
  });

  it('gives waiting tasks back while the only agent drains, but not the ones it still runs', async () => {
    const { clock, hub } = await setup(['a']);
    const a = await ready(await connect(hub, clock, 'a', { capacity: 1 }));
    const running = track(hub.submit(task('t1')));
    const waiting = track(hub.submit(task('t2')));
    await until(() => a.tasks().length === 1);
    a.send({ type: 'drain', v: PROTOCOL_VERSION });
    await until(() => hub.healthyCount() === 0);
    for (let i = 0; i < 5; i++) {
      a.send({ type: 'heartbeat', v: PROTOCOL_VERSION });
      await clock.advance(1_000);
    }
    await until(() => waiting.outcome !== undefined);
    expect(waiting.outcome).toMatchObject({ ok: false, reason: 'no_prober' });
    expect(running.outcome).toBeUndefined();
    a.answer(task('t1'));
    await until(() => running.outcome !== undefined);
    expect(running.outcome).toMatchObject({ ok: true, agent_id: 'a' });
    expect(hub.metrics()).toMatchObject({ tasks_given_back: 1, duplicate_results_dropped: 0 });
  });

  it('gives up a task a heartbeating prober holds 30 s past its deadline, frees its slot, and drops the late answer', async () => {
    const { clock, hub } = await setup(['a']);
    const a = await ready(await connect(hub, clock, 'a', { capacity: 1 }));
    const stuck = track(hub.submit(task('t1'))); // deadline_ms 10 000
    const next = track(hub.submit(task('t2')));
    await until(() => a.tasks().length === 1);
    const wait = async (seconds: number) => {
      for (let i = 0; i < seconds; i++) {
        a.send({ type: 'heartbeat', v: PROTOCOL_VERSION });
        await clock.advance(1_000);
      }
    };
    await wait(39);
    expect(stuck.outcome).toBeUndefined();
    expect(a.tasks()).toHaveLength(1);
    await wait(2);
    await until(() => stuck.outcome !== undefined);
    expect(stuck.outcome).toMatchObject({ ok: false, reason: 'deadline_exceeded' });
    expect(a.closed).toBeUndefined();
    await until(() => a.tasks().length === 2);
    expect(a.tasks()[1]!.id).toBe('t2');
    a.answer(task('t1'));
    a.answer(task('t2'));
    await until(() => next.outcome !== undefined && hub.metrics().duplicate_results_dropped === 1);
    expect(next.outcome).toMatchObject({ ok: true, agent_id: 'a' });
    expect(hub.metrics()).toMatchObject({ tasks_overdue: 1, tasks_dispatched: 2, tasks_in_flight: 0 });
  });

  it('gives up a task after each of the 3 probers that took it was lost, instead of handing it to a 4th', async () => {
    const { clock, hub } = await setup(['a', 'b', 'c', 'd']);
    const first = await ready(await connect(hub, clock, 'a'));
    const outcome = track(hub.submit(task('t1')));
    const other = track(hub.submit(task('t2')));
    for (const [i, id] of ['a', 'b', 'c'].entries()) {
      const peer = i === 0 ? first : await ready(await connect(hub, clock, id));
      await until(() => peer.tasks().length === 2);
      if (i < 2) {
        peer.disconnect();
        expect(outcome.outcome).toBeUndefined(); // lost twice: handed on
      } else {
        peer.answer(task('t2'));
        await until(() => other.outcome !== undefined);
        peer.disconnect();
      }
    }
    await until(() => outcome.outcome !== undefined);
    expect(outcome.outcome).toMatchObject({ ok: false, reason: 'internal_error' });
    const d = await ready(await connect(hub, clock, 'd'));
    await clock.advance(1_000);
    expect(d.tasks()).toEqual([]);
    expect(hub.metrics()).toMatchObject({ tasks_abandoned: 1, tasks_dispatched: 2, tasks_redispatched: 4, tasks_waiting: 0 });
  });

  it('gives a provider\'s tasks to another prober while the one bound to its server backs off from it, and back when that ends', async () => {
    const { clock, hub } = await setup(['a', 'b']);
    const a = await ready(await connect(hub, clock, 'a'));
    const b = await ready(await connect(hub, clock, 'b'));
    const google = (id: string, server: string) => {
      const t = task(id, `${id}.example`, server);
      t.plan.hosts[0]!.host = `${server === '192.0.2.51' ? 'alt1' : 'alt2'}.aspmx.l.google.com`;
      return t;
    };
    const beat = async (seconds: number) => {
      for (let i = 0; i < seconds; i++) {
        for (const peer of [a, b]) peer.send({ type: 'heartbeat', v: PROTOCOL_VERSION });
        await clock.advance(1_000);
      }
    };
    const first = google('g1', '192.0.2.51');
    void hub.submit(first);
    await until(() => a.tasks().length === 1); // both idle: the first connected takes the server
    // a's prober was refused by Google's mx naming its IP: it backs off from google.com for 5 s.
    await answerHeldOff(hub, a, first, 'google.com', 5);

    // The same server (bound to a) and another Google server go to b; other providers still to either.
    void hub.submit(google('g2', '192.0.2.51'));
    void hub.submit(google('g3', '192.0.2.52'));
    await until(() => b.tasks().length === 2);
    expect(b.tasks().map((t) => t.id)).toEqual(['g2', 'g3']);
    void hub.submit(task('o1'));
    await until(() => a.tasks().length === 2);
    expect(a.tasks()[1]!.id).toBe('o1');

    // Over: a takes Google work again (least loaded, for a server not bound yet).
    await beat(6);
    const later = google('g4', '192.0.2.53');
    later.plan.hosts[0]!.host = 'alt3.aspmx.l.google.com';
    void hub.submit(later);
    await until(() => a.tasks().length === 3);
    expect(a.tasks()[2]!.id).toBe('g4');
  });

  it('still hands a provider\'s task out when every prober backs off from it (the prober answers at once when to ask again)', async () => {
    const { clock, hub } = await setup(['a']);
    const a = await ready(await connect(hub, clock, 'a'));
    const first = task('t1', 'shop.test', '192.0.2.60');
    void hub.submit(first);
    await until(() => a.tasks().length === 1);
    await answerHeldOff(hub, a, first, 'shop.test', 3600);
    void hub.submit(task('t2', 'shop.test', '192.0.2.60'));
    await until(() => a.tasks().length === 2);
  });

  it('keeps an agent\'s back-offs across its reconnection: still passed over, and told them again at ready', async () => {
    const { clock, hub } = await setup(['a', 'b']);
    const a = await ready(await connect(hub, clock, 'a'));
    const first = task('t1', 'shop.test', '192.0.2.70');
    void hub.submit(first);
    await until(() => a.tasks().length === 1);
    await answerHeldOff(hub, a, first, 'shop.test', 600);
    a.disconnect();
    await clock.advance(100_000);

    const again = await ready(await connect(hub, clock, 'a'));
    expect(again.of('ready')[0]).toMatchObject({ held_off: [{ provider: 'shop.test', for_s: 500 }] });
    const b = await ready(await connect(hub, clock, 'b'));
    expect(b.of('ready')[0]!.held_off).toBeUndefined();
    void hub.submit(task('t2', 'shop.test', '192.0.2.70'));
    await until(() => b.tasks().length === 1);
    expect(again.tasks()).toEqual([]);
  });

  it('keeps back-offs in the store: an edge started afresh on it (a restart, another edge of a fleet) passes the agent over and tells it at ready', async () => {
    const first = await setup(['a', 'b']);
    const a = await ready(await connect(first.hub, first.clock, 'a'));
    const t1 = task('t1', 'shop.test', '192.0.2.80');
    void first.hub.submit(t1);
    await until(() => a.tasks().length === 1);
    await answerHeldOff(first.hub, a, t1, 'shop.test', 600);
    await until(() => first.store.held.get('a')?.has('shop.test') === true);
    first.hub.close();

    const second = await setup(['a', 'b'], first.store);
    await second.clock.advance(100_000);
    const again = await ready(await connect(second.hub, second.clock, 'a'));
    expect(again.of('ready')[0]).toMatchObject({ held_off: [{ provider: 'shop.test', for_s: 500 }] });
    const b = await ready(await connect(second.hub, second.clock, 'b'));
    void second.hub.submit(task('t2', 'shop.test', '192.0.2.80'));
    await until(() => b.tasks().length === 1);
    expect(again.tasks()).toEqual([]);
  });

  it('writes a back-off to the store once, and again only when it grows longer', async () => {
    const store = new MemoryAgentStore();
    const writes: [string, number][] = [];
    const keep = store.keepHeldOff.bind(store);
    store.keepHeldOff = (agentId, provider, end, now, max) => (writes.push([provider, end]), keep(agentId, provider, end, now, max));
    const { clock, hub } = await setup(['a'], store);
    const a = await ready(await connect(hub, clock, 'a'));
    for (const [i, seconds] of [600, 600, 630, 4200].entries()) {
      const t = task(`t${i}`, 'shop.test', '192.0.2.81');
      void hub.submit(t);
      await until(() => a.tasks().length === i + 1);
      await answerHeldOff(hub, a, t, 'shop.test', seconds);
    }
    expect(writes).toEqual([['shop.test', clock.now() + 600_000], ['shop.test', clock.now() + 4_200_000]]);
  });

  it('keeps at most 256 back-offs per agent, those that end last', async () => {
    const { clock, hub } = await setup(['a']);
    const a = await ready(await connect(hub, clock, 'a'));
    for (let r = 0; r < 20; r++) {
      const t = task(`t${r}`);
      void hub.submit(t);
      await until(() => a.tasks().length === r + 1);
      const held_off = Array.from({ length: 16 }, (_, i) => ({ provider: `p${r * 16 + i}.test`, for_s: 600 }));
      a.send({ type: 'result', v: PROTOCOL_VERSION, result: { ...resultFor(t), stats: { connections: 0, commands: 0, round_trips: 0, held_off } } });
      await until(() => hub.metrics().tasks_in_flight === 0);
      await clock.advance(1_000);
    }
    a.disconnect();
    const again = await ready(await connect(hub, clock, 'a'));
    const kept = again.of('ready')[0]!.held_off!.map((h) => h.provider);
    expect(kept).toHaveLength(256);
    expect(kept.at(-1)).toBe('p319.test');
    expect(kept).not.toContain('p63.test');
  });
});
