import WebSocket from 'ws';
import { MAX_FRAME_BYTES } from '../../protocol/index.ts';
import { decodeFrame, wsTextSocket } from '../../net/ws-socket-node.ts';
import type { ConnectEdge } from '../agent/edge-connection.ts';

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
      const frames: (string | Uint8Array)[] = [];
      const collect = (data: WebSocket.RawData, isBinary: boolean) => void frames.push(decodeFrame(data, isBinary));
      ws.on('message', collect);
      ws.once('open', () => {
        ws.removeAllListeners('error');
        ws.on('error', () => {}); // the close event that follows carries the outcome
        resolve({ ok: true, connection: wsTextSocket(ws, { frames, collect }) });
      });
    });
}
