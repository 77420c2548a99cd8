import { MAX_PREAUTH_FRAME_BYTES } from '../../protocol/index.ts';
import type { AgentSocket } from './agent-socket.ts';

/** Bytes a socket may send before it has authenticated: a hello and an auth frame with room to spare. */
export const PREAUTH_MESSAGE_BUDGET = 4 * MAX_PREAUTH_FRAME_BYTES;

/**
 * A Web-standard WebSocket (Deno's, a browser's) behind the hub's AgentSocket. Until the hub
 * reports the agent authenticated, messages are counted against a small budget: a peer that
 * talks a lot without proving who it is gets closed (1009) before the hub parses more of it.
 */
export function webAgentSocket(ws: WebSocket, remoteAddress: string, options: { preauthBytes?: number; onAuthenticated?: () => void } = {}): AgentSocket {
  let budget: number | null = options.preauthBytes ?? PREAUTH_MESSAGE_BUDGET;
  const encoder = new TextEncoder();
  return {
    remoteAddress,
    send(text) {
      if (ws.readyState === WebSocket.OPEN) ws.send(text);
    },
    close(code, reason) {
      if (ws.readyState === WebSocket.CLOSING || ws.readyState === WebSocket.CLOSED) return;
      ws.close(code, reason.slice(0, 120));
    },
    onMessage(listener) {
      ws.binaryType = 'arraybuffer';
      ws.addEventListener('message', (event: MessageEvent) => {
        const data = typeof event.data === 'string' ? event.data : new Uint8Array(event.data as ArrayBuffer);
        if (budget !== null) {
          budget -= typeof data === 'string' ? encoder.encode(data).length : data.length;
          if (budget < 0) return ws.close(1009, 'too much before authentication');
        }
        listener(data);
      });
    },
    onClose(listener) {
      ws.addEventListener('close', () => listener(), { once: true });
    },
    authenticated() {
      budget = null;
      options.onAuthenticated?.();
    },
  };
}
