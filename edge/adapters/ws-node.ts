import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { TextSocket } from '../../net/text-socket.ts';
import { wsTextSocket } from '../../net/ws-socket-node.ts';
import type { AgentSocket } from '../dispatch/agent-socket.ts';
import type { HubLog } from '../dispatch/hub-log.ts';
import { PreauthBudget } from '../dispatch/preauth-budget.ts';
import { PreauthGate, type PreauthLimits } from '../dispatch/preauth-gate.ts';
import { originAllowed } from '../dispatch/upgrade-origin.ts';
import { MAX_FRAME_BYTES } from '../../protocol/index.ts';

/**
 * A text socket as the hub's AgentSocket: a `ws` one (this file is the only place on the edge
 * that knows `ws`) or a MessagePort one for the agent on a thread of this process (node-server.ts).
 */
export function textAgentSocket(socket: TextSocket, remoteAddress: string, onAuthenticated: () => void = () => {}): AgentSocket {
  return { ...socket, remoteAddress, onClose: (listener) => socket.onClose(() => listener()), authenticated: onAuthenticated };
}

/** The egress address as the agent will see it named elsewhere: IPv4-mapped IPv6 unwrapped. */
export function peerAddress(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

export interface AgentUpgradeOptions {
  /** Refusals and broken frames; anyone can cause them, so give a throttled log. */
  log: HubLog;
  limits?: PreauthLimits;
}

/**
 * An HTTP `upgrade` handler that accepts WebSockets on one path and hands them to `accept`.
 * Frames a little over the protocol cap still reach the hub, so it can close with its own
 * code and reason; ws itself cuts anything far larger (1009) before buffering it. Whatever
 * bytes arrive, a socket's failure is its own: every socket has an 'error' listener.
 */
export function agentUpgrade(path: string, accept: (socket: AgentSocket) => void, options: AgentUpgradeOptions): { handle: (req: IncomingMessage, socket: Duplex, head: Buffer) => void; close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES * 2, perMessageDeflate: false });
  const gate = new PreauthGate(options.limits);
  const { log } = options;
  const refuse = (socket: Duplex, status: string, reason: string, address: string) => {
    log('agent_refused', { reason, address });
    socket.on('error', () => {});
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };
  return {
    handle(req, socket, head) {
      const address = peerAddress(req);
      const url = new URL(req.url ?? '/', 'http://edge.invalid');
      if (url.pathname !== path) return refuse(socket, '404 Not Found', 'wrong_path', address);
      if (!originAllowed(req.headers.origin, req.headers.host)) return refuse(socket, '403 Forbidden', 'foreign_origin', address);
      const seat = gate.admit(address);
      if (!seat.ok) return refuse(socket, seat.reason === 'too_many_from_address' ? '429 Too Many Requests' : '503 Service Unavailable', seat.reason, address);

      // `ws` applies one maxPayload to every socket of a server and buffers a message whole
      // before handing it over, so the pre-auth budget is spent here, on the raw stream.
      const budget = new PreauthBudget();
      let ws: WebSocket | undefined;
      const count = (chunk: Buffer) => {
        if (budget.spend(chunk.length)) return;
        stopCounting();
        log('agent_refused', { reason: 'preauth_bytes_exceeded', address });
        if (ws) ws.terminate();
        else socket.destroy();
      };
      const stopCounting = () => {
        budget.lift();
        socket.off('data', count);
        seat.release();
      };
      socket.on('data', count);
      socket.once('close', stopCounting);
      if (!budget.spend(head.length)) return count(Buffer.alloc(0));

      wss.handleUpgrade(req, socket, head, (accepted) => {
        ws = accepted;
        accepted.on('error', (error) => log('agent_socket_error', { address, error: error.message.slice(0, 120) }));
        accept(textAgentSocket(wsTextSocket(accepted), address, stopCounting));
      });
    },
    close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
