import { CLOSE, sleep, systemClock, systemRandom, type Clock, type FrameOf, type HeldOff, type Random } from '../../protocol/index.ts';
import type { TaskRunner } from '../engine/task-runner.ts';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.ts';
import { openSession, type AgentLog, type Session } from './agent-session.ts';
import type { ConnectEdge } from './edge-connection.ts';
import { unencryptedRemote } from './edge-url.ts';
import { WorkSlots } from './work-slots.ts';

/** The agent's self-check: given where the edge sees it from and the edge's resolver, a report. */
export type Doctor = (env: { observedAddress: string; lookup: Session['lookup'] }) => Promise<Omit<FrameOf<'doctor'>, 'type' | 'v'>>;

export interface AgentOptions {
  /** ws:// or wss:// URL of the edge's /v1/agents/ws. */
  edgeUrl: string;
  agentId: string;
  /** K = deriveAgentKey(secret). */
  key: string;
  capacity: number;
  runner: TaskRunner;
  connect: ConnectEdge;
  clock?: Clock;
  random?: Random;
  log?: AgentLog;
  plugins?: string[];
  hostname?: string;
  software?: string;
  backoff?: BackoffPolicy;
  doctor?: Doctor;
  /** Told the provider back-offs the edge kept for this agent, at every (re)connection. */
  remember?: (held: HeldOff[]) => void;
  /** The doctor runs on every (re)connection and then this often. */
  doctorEveryMs?: number;
  /** How long a drain may wait for in-flight work and unsent results before giving up. */
  drainTimeoutMs?: number;
}

export interface Agent {
  /** Connects, works and reconnects until drained (exit code 0) or revoked (3). */
  run(): Promise<number>;
  /** Stops taking work, finishes what it holds, hands over every result, then `run` returns. */
  drain(): void;
  /**
   * Stops at once: its tasks are told to abort (SMTP sessions end), nothing more is handed
   * over, and `run` returns (1 if work was dropped). For a prober whose edge is going down
   * with it (`bouncezero start`): the edge takes the dropped items up again when it starts.
   */
  stop(): void;
  stats(): { connections: number; inFlight: number; unsent: number };
}

export const EXIT_REVOKED = 3;

export function createAgent(options: AgentOptions): Agent {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const log = options.log ?? (() => {});
  const stop = new AbortController();
  let current: Session | undefined;
  let draining = false;
  let connections = 0;
  const slots = new WorkSlots(options.runner, options.capacity, (r) => current?.deliver(r) ?? false, (taskId, error) =>
    log('runner_crashed', { task_id: taskId, error: String(error).slice(0, 200) }),
  );

  const runDoctor = async (session: Session) => {
    if (!options.doctor) return;
    try {
      const report = await options.doctor({ observedAddress: session.observedAddress, lookup: session.lookup });
      session.report(report);
      log('doctor_report', { port25: report.port25, failed: report.checks.filter((c) => !c.ok).map((c) => c.name) });
    } catch (error) {
      log('doctor_failed', { error: String(error).slice(0, 200) });
    }
  };
  let cancelDoctor = () => {};
  const scheduleDoctor = () => {
    cancelDoctor = clock.setTimer(() => {
      if (current) void runDoctor(current);
      scheduleDoctor();
    }, options.doctorEveryMs ?? 3_600_000);
  };

  // Aborted when a drain runs out of time, or by stop().
  const gaveUp = new AbortController();
  const finish = async (): Promise<number> => {
    const deadline = clock.now() + (options.drainTimeoutMs ?? 60_000);
    const cancel = clock.setTimer(() => gaveUp.abort(), options.drainTimeoutMs ?? 60_000);
    await Promise.race([slots.whenIdle(), new Promise((r) => (gaveUp.signal.aborted ? r(undefined) : gaveUp.signal.addEventListener('abort', r)))]);
    while (slots.unsent > 0 && clock.now() < deadline && !gaveUp.signal.aborted) {
      slots.flush();
      if (slots.unsent > 0) await sleep(clock, 100).catch(() => {});
    }
    cancel();
    const clean = slots.inFlight === 0 && slots.unsent === 0;
    log('drained', { clean, in_flight: slots.inFlight, unsent: slots.unsent });
    slots.abort();
    stop.abort();
    current?.close(1000, 'drained');
    return clean ? 0 : 1;
  };
  let finished: Promise<number> | undefined;

  const agent: Agent = {
    async run() {
      let attempt = 0;
      if (unencryptedRemote(options.edgeUrl)) log('edge_url_unencrypted', { edge: options.edgeUrl, advice: 'use wss:// (BZ_TLS_CERT on the edge, or a TLS proxy in front of it)' });
      scheduleDoctor();
      while (!stop.signal.aborted) {
        const out = await options.connect(options.edgeUrl, { timeoutMs: 10_000 });
        if (out.ok && stop.signal.aborted) {
          out.connection.close(1000, 'drained'); // the drain ended while this connection was being opened
          break;
        }
        if (out.ok) {
          connections++;
          const session = openSession(out.connection, {
            agentId: options.agentId,
            key: options.key,
            plugins: options.plugins ?? [],
            hostname: options.hostname ?? '',
            software: options.software ?? 'bouncezero',
            clock,
            slots,
            log,
            draining: () => draining,
            ...(options.remember ? { remember: options.remember } : {}),
            onReady: (s) => {
              attempt = 0;
              current = s;
              void runDoctor(s);
            },
          });
          const { code, reason } = await session.closed;
          current = undefined;
          if (stop.signal.aborted) break;
          log('edge_disconnected', { code, reason });
          if (code === CLOSE.revoked) {
            cancelDoctor();
            slots.abort();
            return EXIT_REVOKED;
          }
        } else {
          log('edge_unreachable', { detail: out.detail });
        }
        await sleep(clock, backoffDelay(attempt++, random, options.backoff ?? DEFAULT_BACKOFF), stop.signal).catch(() => {});
      }
      cancelDoctor();
      return finished ?? 0;
    },
    drain() {
      if (draining) return;
      draining = true;
      current?.drain();
      finished = finish();
    },
    stop() {
      agent.drain();
      gaveUp.abort();
    },
    stats: () => ({ connections, inFlight: slots.inFlight, unsent: slots.unsent }),
  };
  return agent;
}
