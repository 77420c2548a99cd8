import { CLOSE, MAX_FRAME_BYTES, PROTOCOL_VERSION, expandPreludes, parseFrame, type Frame, type FrameOf, type ProbeResult } from '../../protocol/index.ts';
import type { AgentSocket } from './agent-socket.ts';
import type { AgentRecord } from './agent-store.ts';
import type { AgentSummary } from './dispatcher.ts';
import type { DnsLookup } from './dns-lookup.ts';
import type { HubLog } from './hub-log.ts';
import type { Seat } from './task-board.ts';

/** An agent may have this many self-check DNS questions open; more are refused, not queued. */
const MAX_DNS_IN_FLIGHT = 8;

export interface AgentHandlers {
  result(result: ProbeResult): void;
  /** Its eligibility changed (drain, doctor): the hub re-routes. */
  changed(): void;
  /** It broke the protocol: the hub drops it with this code. */
  broken(code: number, reason: string): void;
  dns?: DnsLookup;
  log: HubLog;
}

export interface ConnectedAgent extends Seat {
  readonly socket: AgentSocket;
  lastSeen: number;
  port25: boolean | null;
  draining: boolean;
  on(handlers: AgentHandlers): void;
  send(frame: Frame): void;
  receive(data: string | Uint8Array, now: number): void;
  summary(now: number, heartbeatMs: number): AgentSummary;
}

/** One authenticated connection: its frames after `ready`, its doctor report and its load. */
export function connectedAgent(init: { key: string; socket: AgentSocket; record: AgentRecord; auth: FrameOf<'auth'>; now: number; heldOff: Map<string, number> }): ConnectedAgent {
  const { socket, record, auth } = init;
  let handlers: AgentHandlers | undefined;
  let doctor: AgentSummary['doctor'] = [];
  let dnsOpen = 0;

  const answerDns = async (q: FrameOf<'dns_query'>) => {
    const reply = (rcode: string, answers: string[]) => agent.send({ type: 'dns_answer', v: PROTOCOL_VERSION, qid: q.qid, rcode, answers: answers.slice(0, 64).map((a) => a.slice(0, 512)) });
    if (!handlers?.dns) return reply('SERVFAIL', []);
    if (dnsOpen >= MAX_DNS_IN_FLIGHT) return reply('REFUSED', []);
    dnsOpen++;
    try {
      const { rcode, answers } = await handlers.dns(q.name, q.qtype);
      reply(rcode.slice(0, 16), answers);
    } catch {
      reply('SERVFAIL', []);
    } finally {
      dnsOpen--;
    }
  };

  const agent: ConnectedAgent = {
    key: init.key,
    agentId: record.id,
    capacity: auth.capacity,
    inFlight: new Set(),
    heldOff: init.heldOff,
    socket,
    lastSeen: init.now,
    port25: null,
    draining: false,
    accepting: () => !agent.draining && agent.port25 !== false,

    on(h) {
      handlers = h;
    },

    send(frame) {
      socket.send(JSON.stringify(frame));
    },

    receive(data, now) {
      if (!handlers) return;
      if (typeof data !== 'string') return handlers.broken(CLOSE.badFrame, 'binary_frame');
      const parsed = parseFrame(data, MAX_FRAME_BYTES);
      if (!parsed.ok) {
        handlers.log('agent_bad_frame', { agent_id: record.id, reason: parsed.reason });
        return handlers.broken(parsed.close, parsed.reason);
      }
      agent.lastSeen = now;
      const frame = parsed.frame;
      switch (frame.type) {
        case 'heartbeat':
          return;
        case 'result':
          return handlers.result(expandPreludes(frame.result));
        case 'drain':
          agent.draining = true;
          handlers.log('agent_draining', { agent_id: record.id, in_flight: agent.inFlight.size });
          return handlers.changed();
        case 'doctor':
          doctor = frame.checks;
          agent.port25 = frame.port25;
          handlers.log('agent_doctor', { agent_id: record.id, port25: frame.port25, failed: frame.checks.filter((c) => !c.ok).map((c) => c.name) });
          return handlers.changed();
        case 'dns_query':
          void answerDns(frame);
          return;
        case 'error':
          handlers.log('agent_error', { agent_id: record.id, code: frame.code });
          return;
        default:
          handlers.log('agent_bad_frame', { agent_id: record.id, reason: `unexpected_${frame.type}` });
          return handlers.broken(CLOSE.badFrame, 'unexpected_frame');
      }
    },

    summary(now, heartbeatMs) {
      return {
        id: record.id,
        name: record.name,
        capacity: auth.capacity,
        in_flight: agent.inFlight.size,
        plugins: auth.plugins,
        healthy: agent.accepting() && now - agent.lastSeen <= 3 * heartbeatMs,
        port25: agent.port25,
        observed_address: socket.remoteAddress,
        doctor,
        connected_at: init.now,
      };
    },
  };
  return agent;
}
