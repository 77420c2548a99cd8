import { signChallenge } from '../../protocol/agent-auth.ts';
import { CLOSE, MAX_FRAME_BYTES, PROTOCOL_VERSION, SHARED_PRELUDES, parseFrame, sharePreludes, type Clock, type Frame, type FrameOf, type HeldOff, type ProbeResult } from '../../protocol/index.ts';
import type { EdgeConnection } from './edge-connection.ts';
import type { WorkSlots } from './work-slots.ts';

export type AgentLog = (event: string, fields: Record<string, unknown>) => void;
export type DnsAnswer = { rcode: string; answers: string[] };
export type DnsQuestion = FrameOf<'dns_query'>['qtype'];

export interface SessionOptions {
  agentId: string;
  /** K, derived from the secret; the Ed25519 key pair is derived from it (never logged). */
  key: string;
  plugins: string[];
  hostname: string;
  software: string;
  clock: Clock;
  slots: WorkSlots;
  log: AgentLog;
  /** Whether the agent is draining: a new session says so at once. */
  draining(): boolean;
  /** Called once the edge accepted us, with the address it sees us from. */
  onReady(session: Session): void;
  /** Told the back-offs the edge kept for this agent (ReadyFrame.held_off), so a restart forgets none. */
  remember?(held: HeldOff[]): void;
  /** How long the edge may take to accept us, and to answer a DNS question. */
  handshakeTimeoutMs?: number;
  dnsTimeoutMs?: number;
}

export interface Session {
  readonly observedAddress: string;
  /** Resolves with the close code once the connection is gone. */
  readonly closed: Promise<{ code: number; reason: string }>;
  deliver(result: ProbeResult): boolean;
  drain(): void;
  /** Sends the self-check report; dropped when the connection is gone (the next one gets a fresh run). */
  report(doctor: Omit<FrameOf<'doctor'>, 'type' | 'v'>): void;
  /** Asks the edge's DoH resolver; the agent has none of its own. */
  lookup(name: string, qtype: DnsQuestion): Promise<DnsAnswer>;
  close(code: number, reason: string): void;
}

/** One authenticated connection: challenge → auth → ready, then tasks, heartbeats and DNS answers. */
export function openSession(connection: EdgeConnection, options: SessionOptions): Session {
  const { clock, log } = options;
  let ready = false;
  let over = false;
  let heartbeatMs = 0;
  let lastSeen = clock.now();
  let observedAddress = '';
  let sharesPreludes = false;
  let cancelTimer = clock.setTimer(() => fail(CLOSE.authTimeout, 'handshake_timeout'), options.handshakeTimeoutMs ?? 15_000);
  let qids = 0;
  const questions = new Map<string, (answer: DnsAnswer) => void>();

  let closedWith: (value: { code: number; reason: string }) => void = () => {};
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (closedWith = resolve));

  const send = (frame: Frame) => connection.send(JSON.stringify(frame));
  const fail = (code: number, reason: string) => {
    if (over) return;
    log('edge_link_closing', { code, reason });
    connection.close(code, reason);
  };

  const beat = () => {
    if (clock.now() - lastSeen > 3 * heartbeatMs) return fail(CLOSE.heartbeatMissed, 'heartbeat_missed');
    send({ type: 'heartbeat', v: PROTOCOL_VERSION, in_flight: options.slots.inFlight });
    cancelTimer = clock.setTimer(beat, heartbeatMs);
  };

  const onFrame = async (frame: Frame) => {
    if (!ready) {
      if (frame.type === 'challenge') {
        const ts = clock.now();
        send({ type: 'hello', v: PROTOCOL_VERSION, agent_id: options.agentId, software: options.software });
        const sig = await signChallenge(options.key, frame.nonce, options.agentId, ts);
        const auth = { type: 'auth', v: PROTOCOL_VERSION, agent_id: options.agentId, ts, sig, capacity: options.slots.capacity, plugins: options.plugins, hostname: options.hostname } as const;
        return send(auth);
      }
      if (frame.type !== 'ready') return fail(CLOSE.badFrame, 'unexpected_frame');
      ready = true;
      observedAddress = frame.observed_address;
      heartbeatMs = frame.heartbeat_ms;
      sharesPreludes = frame.features?.includes(SHARED_PRELUDES) ?? false;
      cancelTimer();
      cancelTimer = clock.setTimer(beat, heartbeatMs);
      log('edge_ready', { observed_address: observedAddress, unsent: options.slots.unsent });
      if (frame.held_off) options.remember?.(frame.held_off);
      if (options.draining()) session.drain();
      options.onReady(session);
      return options.slots.flush();
    }
    switch (frame.type) {
      case 'task':
        return options.slots.take(frame.task);
      case 'heartbeat':
        return;
      case 'dns_answer':
        return questions.get(frame.qid)?.({ rcode: frame.rcode, answers: frame.answers });
      case 'drain':
        return log('edge_draining', {});
      case 'error':
        return log('edge_error', { code: frame.code });
      default:
        return fail(CLOSE.badFrame, 'unexpected_frame');
    }
  };

  connection.onMessage((data) => {
    if (over) return;
    lastSeen = clock.now();
    if (typeof data !== 'string') return fail(CLOSE.badFrame, 'binary_frame');
    const parsed = parseFrame(data, MAX_FRAME_BYTES);
    if (!parsed.ok) {
      log('edge_bad_frame', { reason: parsed.reason });
      return fail(parsed.close, parsed.reason);
    }
    onFrame(parsed.frame).catch((error: unknown) => fail(CLOSE.badFrame, `agent_error:${String(error).slice(0, 60)}`));
  });
  connection.onClose((code, reason) => {
    over = true;
    ready = false;
    cancelTimer();
    for (const answer of questions.values()) answer({ rcode: 'DISCONNECTED', answers: [] });
    closedWith({ code, reason });
  });

  const session: Session = {
    get observedAddress() {
      return observedAddress;
    },
    closed,
    deliver(result) {
      if (!ready || over) return false;
      send({ type: 'result', v: PROTOCOL_VERSION, result: sharesPreludes ? sharePreludes(result) : result });
      return true;
    },
    drain() {
      if (ready && !over) send({ type: 'drain', v: PROTOCOL_VERSION });
    },
    report(doctor) {
      if (ready && !over) send({ type: 'doctor', v: PROTOCOL_VERSION, ...doctor });
    },
    lookup(name, qtype) {
      if (!ready || over) return Promise.resolve({ rcode: 'DISCONNECTED', answers: [] });
      const qid = `q${++qids}`;
      return new Promise<DnsAnswer>((resolve) => {
        const cancel = clock.setTimer(() => finish({ rcode: 'TIMEOUT', answers: [] }), options.dnsTimeoutMs ?? 10_000);
        const finish = (answer: DnsAnswer) => {
          cancel();
          questions.delete(qid);
          resolve(answer);
        };
        questions.set(qid, finish);
        send({ type: 'dns_query', v: PROTOCOL_VERSION, qid, name, qtype });
      });
    },
    close(code, reason) {
      fail(code, reason);
    },
  };
  return session;
}
