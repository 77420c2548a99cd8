import { describe, expect, it } from 'vitest';
import { createAgent, EXIT_REVOKED } from '../../../prober/agent/agent.ts';
import { backoffDelay } from '../../../prober/agent/backoff.ts';
import type { ConnectEdge, EdgeConnection } from '../../../prober/agent/edge-connection.ts';
import type { TaskRunner } from '../../../prober/engine/task-runner.ts';
import { agentPublicKey, deriveAgentKey, verifyChallenge } from '../../../protocol/agent-auth.ts';
import { CLOSE, PROTOCOL_VERSION, ProbeResult, SHARED_PRELUDES, expandPreludes, type Frame, type ProbeTask, type Random, type TranscriptLine } from '../../../protocol/index.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { SECRET, resultFor, task, turns, until } from '../dispatch/hub-harness.ts';

/** The edge's end of one in-memory connection, driven by the test. */
class EdgeEnd {
  readonly got: Frame[] = [];
  private deliver: (data: string) => void = () => {};
  private closer: (code: number, reason: string) => void = () => {};
  closed: number | undefined;
  readonly connection: EdgeConnection = {
    send: (text) => void (this.closed === undefined && this.got.push(JSON.parse(text))),
    close: (code, reason) => this.hangUp(code, reason),
    onMessage: (listener) => (this.deliver = (d) => queueMicrotask(() => listener(d))),
    onClose: (listener) => (this.closer = listener),
  };
  send(frame: unknown) {
    this.deliver(JSON.stringify(frame));
  }
  hangUp(code = 1006, reason = '') {
    if (this.closed !== undefined) return;
    this.closed = code;
    queueMicrotask(() => this.closer(code, reason));
  }
  of<T extends Frame['type']>(type: T) {
    return this.got.filter((f): f is Extract<Frame, { type: T }> => f.type === type);
  }
  /** Plays the edge's side of the handshake and checks the agent's answer. */
  async accept(clock: FakeClock, features?: string[]) {
    this.send({ type: 'challenge', v: PROTOCOL_VERSION, nonce: 'n'.repeat(32) });
    await until(() => this.of('auth').length > 0);
    const auth = this.of('auth')[0]!;
    expect(await verifyChallenge(await agentPublicKey(await deriveAgentKey(SECRET)), 'n'.repeat(32), auth.agent_id, auth.ts, auth.sig ?? '')).toBe(true);
    expect(auth.mac).toBeUndefined();
    expect(auth.ts).toBe(clock.now());
    this.send({ type: 'ready', v: PROTOCOL_VERSION, observed_address: '127.0.0.1', heartbeat_ms: 1_000, ...(features ? { features } : {}) });
    await turns(20);
  }
}

function harness(runner: TaskRunner, capacity = 2, randomValue = 0.5, edgeUrl = 'ws://127.0.0.1/v1/agents/ws') {
  const clock = new FakeClock();
  const edges: EdgeEnd[] = [];
  let refuse = 0;
  const connect: ConnectEdge = async () => {
    if (refuse > 0) {
      refuse--;
      return { ok: false, detail: 'ECONNREFUSED' };
    }
    const edge = new EdgeEnd();
    edges.push(edge);
    return { ok: true, connection: edge.connection };
  };
  const random: Random = { next: () => randomValue, bytes: (n) => new Uint8Array(n) };
  const logs: string[] = [];
  return {
    clock,
    edges,
    refuseNext: (n: number) => (refuse = n),
    logs,
    makeAgent: async () => createAgent({ edgeUrl, agentId: 'a1', key: await deriveAgentKey(SECRET), capacity, runner, connect, clock, random, backoff: { baseMs: 100, maxMs: 1_000 }, log: (e) => logs.push(e) }),
  };
}

/** A runner whose tasks finish when the test says so. */
function heldRunner() {
  const held = new Map<string, () => void>();
  const runner: TaskRunner = (t: ProbeTask) => new Promise((resolve) => held.set(t.id, () => resolve(resultFor(t))));
  return { runner, finish: (id: string) => held.get(id)?.(), held };
}

/** A result of three addresses asked in one session: each transcript starts with the same opening. */
function sessionResult(t: ProbeTask): ProbeResult {
  const opening: TranscriptLine[] = ['connected to 192.0.2.1:25', '220 mx ESMTP', 'EHLO prober.test', '250-mx', '250 PIPELINING', 'MAIL FROM:<v@prober.test>', '250 2.1.0 Ok'].map((text, i) => ({ at_ms: i, dir: i % 2 ? 's' : 'c', text }));
  const results = ['a', 'b', 'c'].map((local, i): ProbeResult['results'][number] => ({
    id: `i${i}`,
    address: `${local}@${t.domain}`,
    smtp: { outcome: 'accepted', reason: 'accepted', transcript: [...opening, { at_ms: 9, dir: 'c', text: `RCPT TO:<${local}@${t.domain}>` }, { at_ms: 10, dir: 's', text: '250 2.1.5 Ok' }] },
    signals: [],
  }));
  return { ...resultFor(t), results };
}

describe('prober agent', () => {
  it('sends each session’s opening once a result to an edge that reads shared preludes, and whole transcripts to one that does not', async () => {
    const runner: TaskRunner = async (t) => sessionResult(t);
    for (const features of [[SHARED_PRELUDES, 'something_newer'], undefined]) {
      const h = harness(runner, 1);
      const agent = await h.makeAgent();
      const exit = agent.run();
      await until(() => h.edges.length === 1);
      const edge = h.edges[0]!;
      await edge.accept(h.clock, features);
      edge.send({ type: 'task', v: PROTOCOL_VERSION, task: task('t1') });
      await until(() => edge.of('result').length === 1);
      const sent = edge.of('result')[0]!.result;
      if (features) {
        expect(sent.preludes).toHaveLength(1);
        expect(sent.results.map((r) => [r.prelude, r.smtp.transcript?.length])).toEqual([[0, 2], [0, 2], [0, 2]]);
      } else {
        expect(sent.preludes).toBeUndefined();
        expect(sent.results.map((r) => r.smtp.transcript?.length)).toEqual([9, 9, 9]);
      }
      expect(expandPreludes(ProbeResult.parse(sent))).toEqual(sessionResult(task('t1')));
      agent.drain();
      expect(await exit).toBe(0);
    }
  });

  it('backs off exponentially with jitter, capped', () => {
    const r = (x: number): Random => ({ next: () => x, bytes: (n) => new Uint8Array(n) });
    const policy = { baseMs: 100, maxMs: 1_000 };
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, r(0.999999), policy))).toEqual([100, 200, 400, 800, 1_000]);
    expect(backoffDelay(5, r(0), policy)).toBe(50);
  });

  it('authenticates, runs up to capacity, keeps results made while disconnected and sends them after reconnecting', async () => {
    const work = heldRunner();
    const h = harness(work.runner, 2);
    const agent = await h.makeAgent();
    const exit = agent.run();
    await until(() => h.edges.length === 1);
    const first = h.edges[0]!;
    await first.accept(h.clock);
    for (const id of ['t1', 't2', 't3']) first.send({ type: 'task', v: PROTOCOL_VERSION, task: task(id) });
    await until(() => work.held.size === 2);
    expect([...work.held.keys()]).toEqual(['t1', 't2']); // t3 waits for a slot
    work.finish('t1');
    await until(() => first.of('result').length === 1 && work.held.size === 3);

    first.hangUp();
    work.finish('t2');
    work.finish('t3');
    await until(() => agent.stats().unsent === 2);
    h.refuseNext(1);
    await h.clock.advance(100); // first retry after the jittered backoff: refused
    expect(h.edges).toHaveLength(1);
    await h.clock.advance(400);
    await until(() => h.edges.length === 2);
    const second = h.edges[1]!;
    await second.accept(h.clock);
    await until(() => second.of('result').length === 2);
    expect(second.of('result').map((f) => f.result.task_id).sort()).toEqual(['t2', 't3']);
    expect(agent.stats()).toMatchObject({ connections: 2, unsent: 0, inFlight: 0 });

    agent.drain();
    expect(second.of('drain')).toHaveLength(1);
    expect(await exit).toBe(0);
    expect(second.closed).toBe(1000);
  });

  it('on drain finishes in-flight work and hands its results over before exiting', async () => {
    const work = heldRunner();
    const h = harness(work.runner);
    const agent = await h.makeAgent();
    let exitCode: number | undefined;
    void agent.run().then((c) => (exitCode = c));
    await until(() => h.edges.length === 1);
    const edge = h.edges[0]!;
    await edge.accept(h.clock);
    edge.send({ type: 'task', v: PROTOCOL_VERSION, task: task('t1') });
    await until(() => work.held.size === 1);
    agent.drain();
    await until(() => edge.of('drain').length === 1);
    await h.clock.advance(50);
    expect(exitCode).toBeUndefined();
    work.finish('t1');
    await until(() => exitCode !== undefined);
    expect(exitCode).toBe(0);
    expect(edge.of('result').map((f) => f.result.task_id)).toEqual(['t1']);
  });

  it('on stop tells in-flight work to abort and exits at once, without waiting for it', async () => {
    const aborted: string[] = [];
    // Tasks that end only when told to abort, as an SMTP session to a server that never answers.
    const runner: TaskRunner = (t, signal) => new Promise((resolve) => signal?.addEventListener('abort', () => (aborted.push(t.id), resolve(resultFor(t)))));
    const h = harness(runner);
    const agent = await h.makeAgent();
    const exit = agent.run();
    await until(() => h.edges.length === 1);
    const edge = h.edges[0]!;
    await edge.accept(h.clock);
    for (const id of ['t1', 't2']) edge.send({ type: 'task', v: PROTOCOL_VERSION, task: task(id) });
    await until(() => agent.stats().inFlight === 2);
    agent.stop();
    // No clock moves: nothing waits for the drain's time-out.
    expect(await exit).toBe(1);
    expect(aborted.sort()).toEqual(['t1', 't2']);
    expect(edge.of('drain')).toHaveLength(1);
    expect(edge.closed).toBe(1000);
  });

  it('heartbeats, drops a silent edge after 3 periods, and stops for good when revoked', async () => {
    const h = harness(heldRunner().runner);
    const agent = await h.makeAgent();
    const exit = agent.run();
    await until(() => h.edges.length === 1);
    await h.edges[0]!.accept(h.clock);
    await h.clock.advance(3_000);
    expect(h.edges[0]!.of('heartbeat').length).toBe(3);
    expect(h.edges[0]!.closed).toBeUndefined();
    await h.clock.advance(1_000);
    expect(h.edges[0]!.closed).toBe(CLOSE.heartbeatMissed);
    await h.clock.advance(100);
    await until(() => h.edges.length === 2);
    await h.edges[1]!.accept(h.clock);
    h.edges[1]!.hangUp(CLOSE.revoked, 'revoked');
    expect(await exit).toBe(EXIT_REVOKED);
  });

  it('warns when it would talk to a remote edge over ws:// (clear text), not over wss:// or on loopback', async () => {
    for (const [url, warned] of [['ws://edge.example:8080/v1/agents/ws', true], ['ws://203.0.113.5/v1/agents/ws', true], ['wss://edge.example/v1/agents/ws', false], ['ws://127.0.0.1:8080/v1/agents/ws', false], ['ws://[::1]:8080/v1/agents/ws', false], ['ws://localhost/v1/agents/ws', false]] as const) {
      const h = harness(heldRunner().runner, 2, 0.5, url);
      void (await h.makeAgent()).run();
      await until(() => h.edges.length === 1);
      expect(h.logs.includes('edge_url_unencrypted'), url).toBe(warned);
    }
  });

  it('closes on a frame that breaks its schema', async () => {
    const h = harness(heldRunner().runner);
    const agent = await h.makeAgent();
    void agent.run();
    await until(() => h.edges.length === 1);
    await h.edges[0]!.accept(h.clock);
    h.edges[0]!.send({ type: 'task', v: PROTOCOL_VERSION, task: { id: 'x' } });
    await until(() => h.edges[0]!.closed !== undefined);
    expect(h.edges[0]!.closed).toBe(CLOSE.badFrame);
    agent.drain();
  });
});
