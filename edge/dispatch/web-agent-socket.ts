import type { AgentSocket } from './agent-socket.ts';
import { PreauthBudget } from './preauth-budget.ts';

/**
 * A Web-standard WebSocket (Deno's, a browser's) behind the hub's AgentSocket. Until the hub
 * reports the agent authenticated, messages are counted against the pre-auth budget the Node
 * adapter counts too (preauth-budget.ts): a peer that talks a lot without proving who it is gets
 * closed (1009) before the hub parses more of it.
 */
export function webAgentSocket(ws: WebSocket, remoteAddress: string, options: { preauthBytes?: number; onAuthenticated?: () => void } = {}): AgentSocket {
  const budget = new PreauthBudget(options.preauthBytes);
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
        const within = typeof data === 'string' ? budget.spendText(data) : budget.spend(data.length);
        if (!within) return ws.close(1009, 'too much before authentication');
        listener(data);
      });
    },
    onClose(listener) {
      ws.addEventListener('close', () => listener(), { once: true });
    },
    authenticated() {
      budget.lift();
      options.onAuthenticated?.();
    },
  };
}
