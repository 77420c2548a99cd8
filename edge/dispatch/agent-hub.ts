import { CLOSE, MAX_HELD_OFF, PROTOCOL_VERSION, SHARED_PRELUDES, systemClock, systemRandom, type Clock, type ProbeResult, type ProbeTask, type Random } from '../../protocol/index.ts';
import type { AgentSocket } from './agent-socket.ts';
import type { AgentStore } from './agent-store.ts';
import { startHandshake } from './agent-handshake.ts';
import { connectedAgent, type ConnectedAgent } from './connected-agent.ts';
import type { DispatchOutcome, Dispatcher } from './dispatcher.ts';
import type { DnsLookup } from './dns-lookup.ts';
import { jsonLineLog, type HubLog } from './hub-log.ts';
import type { HubMetrics } from './hub-metrics.ts';
import { TaskBoard } from './task-board.ts';
import { throttledLog } from './throttled-log.ts';

export interface HubOptions {
  store: AgentStore;
  clock?: Clock;
  random?: Random;
  /** Period of heartbeats both ways; an agent silent for 3 periods is dropped. */
  heartbeatMs?: number;
  /** An unauthenticated socket is dropped after this long. */
  authTimeoutMs?: number;
  /** How often connected agents are checked against the store for revocation (works across edges). */
  revocationPollMs?: number;
  /** Answers the agents' dns_query frames (their self-check); without it they get SERVFAIL. */
  dns?: DnsLookup;
  /**
   * Tasks waiting while no connected agent can take one (the last went away, or every one drains)
   * are given back as no_prober after this long. A job runner then hands the items back to the
   * store, where another edge's prober can take them, and lets go of their leases; waiting on
   * would hold them, and their mail server, for as long as this edge lives.
   */
  unservedMs?: number;
  /** Called when an agent becomes ready, so a queue that found no prober can look again. */
  onAgentReady?: () => void;
  log?: HubLog;
}

/** The agent registry: accepts sockets, authenticates them, routes tasks, and is the Dispatcher. */
export interface AgentHub extends Dispatcher {
  accept(socket: AgentSocket): void;
  metrics(): HubMetrics;
  /** Stops the timers and closes every socket, those still in their handshake too; waiting submits stay pending until their signal. */
  close(): void;
}

type Settle = (outcome: DispatchOutcome) => void;

/** Hand-outs of one task whose holders were all lost before it is given up (see `abandon`). */
const MAX_HANDOUTS = 3;

/** A back-off reported again with an end this much later is written to the store again. */
const KEEP_HELD_OFF_SLACK_MS = 60_000;

/**
 * Records a back-off. An agent's word costs the edge memory: past the bound the one that ends
 * first goes, as in the store (AgentStore.keepHeldOff), so the two keep the same ones.
 */
function holdOff(heldOff: Map<string, number>, provider: string, until: number): void {
  heldOff.set(provider, until);
  if (heldOff.size <= MAX_HELD_OFF) return;
  let first: [string, number] | undefined;
  for (const entry of heldOff) if (first === undefined || entry[1] < first[1]) first = entry;
  heldOff.delete(first![0]);
}

export function createAgentHub(options: HubOptions): AgentHub {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const unservedMs = options.unservedMs ?? 5_000;
  const log = options.log ?? jsonLineLog;
  // Refusals are caused by whoever reaches the port: written in bursts, the rest counted.
  const refusals = throttledLog(log, clock);
  const board = new TaskBoard();
  const agents = new Map<string, ConnectedAgent>();
  /** Sockets accepted and not yet authenticated, whatever carries them: close() ends them too. */
  const handshaking = new Set<AgentSocket>();
  const waiters = new Map<string, Set<Settle>>();
  // Per agent, not per connection: a prober that reconnects, or restarts and forgot, is still
  // passed over for the providers it backs off from, and is told them again at `ready`. The store
  // keeps them too, for an edge that restarted and for the other edges of a fleet.
  const heldOffByAgent = new Map<string, Map<string, number>>();
  const counters = { tasks_dispatched: 0, tasks_redispatched: 0, tasks_given_back: 0, tasks_overdue: 0, tasks_abandoned: 0, duplicate_results_dropped: 0 };
  let sequence = 0;
  let closed = false;

  const seats = () => [...agents.values()];
  const served = () => seats().some((seat) => seat.accepting());

  const pump = () => {
    for (const { entry, seat } of board.assign(seats(), clock.now())) {
      if (entry.handouts > 1) counters.tasks_redispatched++;
      else counters.tasks_dispatched++;
      agents.get(seat.key)?.send({ type: 'task', v: PROTOCOL_VERSION, task: entry.task });
    }
    watchUnserved();
  };

  let cancelGiveBack: (() => void) | null = null;
  const watchUnserved = () => {
    if (board.waitingCount === 0 || served()) {
      cancelGiveBack?.();
      cancelGiveBack = null;
    } else {
      cancelGiveBack ??= clock.setTimer(giveBack, unservedMs);
    }
  };
  const giveBack = () => {
    cancelGiveBack = null;
    if (served()) return;
    const outcome = unavailable() ?? { ok: false, reason: 'no_prober', detail: `no connected prober could take it for ${unservedMs} ms` };
    const back = board.takeWaiting();
    counters.tasks_given_back += back.length;
    for (const entry of back) settle(entry.task.id, outcome);
  };

  /** Why no task can go out now, judged by who is connected; null while someone could take one. */
  const unavailable = (): Extract<DispatchOutcome, { ok: false }> | null => {
    const all = seats();
    if (all.length === 0) return { ok: false, reason: 'no_prober', detail: 'no prober agent is connected' };
    if (all.every((a) => a.port25 === false)) return { ok: false, reason: 'prober_port25_blocked', detail: 'every connected prober reports outbound port 25 blocked' };
    return null;
  };

  const settle = (taskId: string, outcome: DispatchOutcome) => {
    const set = waiters.get(taskId);
    waiters.delete(taskId);
    for (const resolve of set ?? []) resolve(outcome);
  };

  const forget = (agent: ConnectedAgent, why: string) => {
    if (agents.get(agent.key) !== agent) return;
    agents.delete(agent.key);
    const back = board.release(agent);
    log('agent_disconnected', { agent_id: agent.agentId, why, requeued: back.length });
    for (const taskId of back) if ((board.entries.get(taskId)?.handouts ?? 0) >= MAX_HANDOUTS) abandon(taskId);
    pump();
  };

  // A task whose every holder was lost may be what breaks them (a crash it sets off): handed out
  // once more it would take the next prober down too, forever. It is given up instead, which a
  // job retries later as a broken server's, a bounded number of times.
  const abandon = (taskId: string) => {
    board.remove(taskId);
    counters.tasks_abandoned++;
    log('task_abandoned', { task_id: taskId, handouts: MAX_HANDOUTS });
    settle(taskId, { ok: false, reason: 'internal_error', detail: `task ${taskId} was lost with each of the ${MAX_HANDOUTS} probers that took it` });
  };

  const drop = (agent: ConnectedAgent, code: number, reason: string) => {
    agent.socket.close(code, reason);
    forget(agent, reason);
  };

  const onResult = (agent: ConnectedAgent, result: ProbeResult) => {
    const taskId = result.task_id;
    for (const { provider, for_s } of result.stats.held_off ?? []) {
      const now = clock.now();
      const known = agent.heldOff.get(provider);
      const until = now + for_s * 1000;
      if (known === undefined) log('agent_held_off', { agent_id: agent.agentId, provider, for_s });
      holdOff(agent.heldOff, provider, until);
      // A report repeats the same end while the back-off lasts: only a new or longer one is written.
      if (known === undefined || until - known > KEEP_HELD_OFF_SLACK_MS) {
        options.store.keepHeldOff(agent.agentId, provider, until, now, MAX_HELD_OFF).catch((error: unknown) => log('held_off_not_kept', { agent_id: agent.agentId, provider, error: String(error).slice(0, 200) }));
      }
    }
    const freed = agent.inFlight.delete(taskId);
    const entry = board.entries.get(taskId);
    if (!entry || !entry.agents.has(agent.agentId)) {
      counters.duplicate_results_dropped++;
      log('result_dropped', { agent_id: agent.agentId, task_id: taskId, why: entry ? 'not_assigned' : 'already_applied' });
    } else {
      board.remove(taskId);
      settle(taskId, { ok: true, result, agent_id: agent.agentId });
    }
    if (freed || entry) pump();
  };

  // A prober that heartbeats but never answers a task (a bug, a hook that hangs) would hold its
  // items, and the job, forever: past the task's deadline and this grace the task is given up as
  // deadline_exceeded, which a job retries as a broken server. A late answer is dropped.
  const overdueGraceMs = Math.max(30_000, 3 * heartbeatMs);
  const giveUpOverdue = (now: number) => {
    const late = board.overdue(now, overdueGraceMs);
    for (const entry of late) {
      board.remove(entry.task.id);
      agents.get(entry.holder!)?.inFlight.delete(entry.task.id);
      counters.tasks_overdue++;
      log('task_overdue', { task_id: entry.task.id, agent_id: agents.get(entry.holder!)?.agentId ?? null, held_ms: now - entry.heldSince! });
      settle(entry.task.id, { ok: false, reason: 'deadline_exceeded', detail: `the prober did not answer task ${entry.task.id} within its deadline and ${overdueGraceMs} ms more` });
    }
    if (late.length > 0) pump();
  };

  const tick = () => {
    const now = clock.now();
    for (const agent of seats()) {
      if (now - agent.lastSeen > 3 * heartbeatMs) drop(agent, CLOSE.heartbeatMissed, 'heartbeat_missed');
      else agent.send({ type: 'heartbeat', v: PROTOCOL_VERSION, in_flight: agent.inFlight.size });
    }
    giveUpOverdue(now);
    stopTick = clock.setTimer(tick, heartbeatMs);
  };
  let stopTick = clock.setTimer(tick, heartbeatMs);

  let polling = false;
  const poll = async () => {
    if (polling) return;
    polling = true;
    try {
      for (const agent of seats()) {
        const record = await options.store.findById(agent.agentId);
        if (!record || record.revoked_at !== null) drop(agent, CLOSE.revoked, 'revoked');
      }
    } catch (error) {
      log('revocation_poll_failed', { error: String(error).slice(0, 200) });
    } finally {
      polling = false;
    }
  };
  const pollLoop = () => {
    void poll();
    stopPoll = clock.setTimer(pollLoop, options.revocationPollMs ?? 3_000);
  };
  let stopPoll = clock.setTimer(pollLoop, options.revocationPollMs ?? 3_000);

  const hub: AgentHub = {
    accept(socket) {
      if (closed) return socket.close(1001, 'shutting_down');
      handshaking.add(socket);
      let handler = startHandshake(socket, { store: options.store, clock, random, authTimeoutMs: options.authTimeoutMs ?? 5_000, log: refusals }, ({ record, auth, heldOff: stored }) => {
        handshaking.delete(socket);
        socket.authenticated?.();
        for (const other of seats()) if (other.agentId === record.id) drop(other, CLOSE.replaced, 'replaced');
        const heldOff = heldOffByAgent.get(record.id) ?? new Map<string, number>();
        for (const [provider, until] of stored) if ((heldOff.get(provider) ?? 0) < until) holdOff(heldOff, provider, until);
        heldOffByAgent.set(record.id, heldOff);
        const agent = connectedAgent({ key: `c${++sequence}`, socket, record, auth, now: clock.now(), heldOff });
        agents.set(agent.key, agent);
        handler = (data) => agent.receive(data, clock.now());
        agent.on({
          result: (result) => onResult(agent, result),
          changed: pump,
          broken: (code, reason) => drop(agent, code, reason),
          dns: options.dns,
          log,
        });
        const now = clock.now();
        const held = [...heldOff].filter(([, until]) => until > now);
        agent.send({
          type: 'ready',
          v: PROTOCOL_VERSION,
          observed_address: socket.remoteAddress,
          heartbeat_ms: heartbeatMs,
          features: [SHARED_PRELUDES],
          ...(held.length > 0 ? { held_off: held.map(([provider, until]) => ({ provider, for_s: Math.ceil((until - now) / 1000) })) } : {}),
        });
        log('agent_connected', { agent_id: record.id, name: record.name, capacity: auth.capacity, address: socket.remoteAddress });
        pump();
        options.onAgentReady?.();
      });
      socket.onMessage((data) => handler(data));
      socket.onClose(() => {
        handshaking.delete(socket);
        for (const agent of seats()) if (agent.socket === socket) forget(agent, 'closed');
      });
    },

    submit(task: ProbeTask, { signal } = {}) {
      return new Promise<DispatchOutcome>((resolve) => {
        if (signal?.aborted) return resolve(deadline(task));
        const joined = waiters.get(task.id);
        const refused = joined ? null : unavailable();
        if (refused) return resolve(refused);
        const set = joined ?? new Set<Settle>();
        waiters.set(task.id, set);
        const onAbort = () => {
          set.delete(settleThis);
          if (set.size === 0 && waiters.get(task.id) === set) {
            waiters.delete(task.id);
            board.remove(task.id);
          }
          resolve(deadline(task));
        };
        const settleThis: Settle = (outcome) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(outcome);
        };
        set.add(settleThis);
        signal?.addEventListener('abort', onAbort, { once: true });
        if (!joined) {
          board.add(task);
          pump();
        }
      });
    },

    agents: () => seats().map((a) => a.summary(clock.now(), heartbeatMs)),
    healthyCount: () => seats().filter((a) => a.summary(clock.now(), heartbeatMs).healthy).length,

    metrics: () => ({
      ...counters,
      agents_connected: agents.size,
      tasks_waiting: board.waitingCount,
      tasks_in_flight: seats().reduce((n, a) => n + a.inFlight.size, 0),
    }),

    close() {
      closed = true;
      stopTick();
      stopPoll();
      cancelGiveBack?.();
      refusals.close();
      for (const agent of seats()) drop(agent, 1001, 'shutting_down');
      for (const socket of handshaking) socket.close(1001, 'shutting_down');
      handshaking.clear();
    },
  };
  return hub;
}

function deadline(task: ProbeTask): DispatchOutcome {
  return { ok: false, reason: 'deadline_exceeded', detail: `task ${task.id} was given up before a prober answered` };
}
