import type WebSocket from 'ws';
import { CLOSE_ANSWER_WAIT_MS, CLOSE_REASON_CHARS, type TextSocket } from './text-socket.ts';

/**
 * The `ws` package behind the agent protocol, for the edge (ws-node.ts) and the prober
 * (ws-client-node.ts) alike. `early` holds frames that arrived before the owner listened (the
 * client's first frame can come in the same read as the upgrade answer); `collect` is the
 * listener that gathered them, removed once the owner takes over. Node-only, like `ws` itself.
 */
export function wsTextSocket(ws: WebSocket, early?: { frames: (string | Uint8Array)[]; collect: (data: WebSocket.RawData, isBinary: boolean) => void }): TextSocket {
  return {
    send(text) {
      if (ws.readyState === ws.OPEN) ws.send(text);
    },
    close(code, reason) {
      if (ws.readyState === ws.CLOSED) return;
      ws.close(code, reason.slice(0, CLOSE_REASON_CHARS));
      setTimeout(() => ws.terminate(), CLOSE_ANSWER_WAIT_MS).unref();
    },
    onMessage(listener) {
      if (early) ws.off('message', early.collect);
      ws.on('message', (data, isBinary) => listener(decodeFrame(data, isBinary)));
      if (early) for (const data of early.frames.splice(0)) listener(data);
    },
    onClose(listener) {
      ws.once('close', (code, reason) => listener(code, reason.toString()));
    },
  };
}

/** A `ws` message as the protocol sees it: text as a string, binary as bytes. */
export function decodeFrame(data: WebSocket.RawData, isBinary: boolean): string | Uint8Array {
  const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  return isBinary ? new Uint8Array(bytes) : bytes.toString();
}
