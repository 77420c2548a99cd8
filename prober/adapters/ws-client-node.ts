import WebSocket from 'ws';
import { MAX_FRAME_BYTES } from '../../protocol/index.ts';
import type { ConnectEdge, EdgeConnection } from '../agent/edge-connection.ts';

/**
 * The agent's WebSocket client on Node (`ws`). `ca` adds a trusted certificate for an edge
 * with its own (e.g. self-signed) TLS certificate; NODE_EXTRA_CA_CERTS works as well.
 */
export function wsConnectEdge(options: { ca?: string } = {}): ConnectEdge {
  return (url, { timeoutMs }) =>
    new Promise((resolve) => {
      const ws = new WebSocket(url, { handshakeTimeout: timeoutMs, maxPayload: MAX_FRAME_BYTES * 2, perMessageDeflate: false, ...(options.ca ? { ca: options.ca } : {}) });
      const fail = (detail: string) => {
        ws.terminate();
        resolve({ ok: false, detail });
      };
      ws.once('error', (error) => fail(error.message.slice(0, 200)));
      ws.once('unexpected-response', (_req, res) => fail(`HTTP ${res.statusCode}`));
      // The edge's first frame may arrive in the same read as the upgrade answer, before the
      // caller has attached its listener: keep frames until it does.
      const early: (string | Uint8Array)[] = [];
      ws.on('message', (data, isBinary) => early.push(decode(data, isBinary)));
      ws.once('open', () => {
        ws.removeAllListeners('error');
        ws.on('error', () => {}); // the close event that follows carries the outcome
        resolve({ ok: true, connection: wsEdgeConnection(ws, early) });
      });
    });
}

function decode(data: WebSocket.RawData, isBinary: boolean): string | Uint8Array {
  const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  return isBinary ? new Uint8Array(bytes) : bytes.toString();
}

function wsEdgeConnection(ws: WebSocket, early: (string | Uint8Array)[]): EdgeConnection {
  return {
    send(text) {
      if (ws.readyState === WebSocket.OPEN) ws.send(text);
    },
    close(code, reason) {
      if (ws.readyState === WebSocket.CLOSED) return;
      ws.close(code, reason.slice(0, 120));
      setTimeout(() => ws.terminate(), 2_000).unref();
    },
    onMessage(listener) {
      ws.removeAllListeners('message');
      ws.on('message', (data, isBinary) => listener(decode(data, isBinary)));
      for (const data of early.splice(0)) listener(data);
    },
    onClose(listener) {
      ws.once('close', (code, reason) => listener(code, reason.toString()));
    },
  };
}
