import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { AgentSocket } from '../dispatch/agent-socket.ts';
import { MAX_FRAME_BYTES } from '../../protocol/index.ts';

/** The `ws` package behind the hub's AgentSocket; the only place on the edge that knows `ws`. */
export function wsAgentSocket(ws: WebSocket, remoteAddress: string): AgentSocket {
  return {
    remoteAddress,
    send(text) {
      if (ws.readyState === ws.OPEN) ws.send(text);
    },
    close(code, reason) {
      if (ws.readyState === ws.CLOSED) return;
      ws.close(code, reason.slice(0, 120));
      // A peer that never answers the close handshake must not keep the socket.
      setTimeout(() => ws.terminate(), 2_000).unref();
    },
    onMessage(listener) {
      ws.on('message', (data: RawData, isBinary: boolean) => listener(isBinary ? toBytes(data) : toBytes(data).toString()));
    },
    onClose(listener) {
      ws.once('close', () => listener());
    },
  };
}

function toBytes(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

/** The egress address as the agent will see it named elsewhere: IPv4-mapped IPv6 unwrapped. */
export function peerAddress(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * An HTTP `upgrade` handler that accepts WebSockets on one path and hands them to `accept`.
 * Frames a little over the protocol cap still reach the hub, so it can close with its own
 * code and reason; ws itself cuts anything far larger (1009) before buffering it.
 */
export function agentUpgrade(path: string, accept: (socket: AgentSocket) => void): { handle: (req: IncomingMessage, socket: Duplex, head: Buffer) => void; close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES * 2, perMessageDeflate: false });
  return {
    handle(req, socket, head) {
      const url = new URL(req.url ?? '/', 'http://edge.invalid');
      if (url.pathname !== path) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => accept(wsAgentSocket(ws, peerAddress(req))));
    },
    close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
