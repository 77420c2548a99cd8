/** One link to the edge as the agent needs it: a WebSocket (`ws-client-node.ts`), or a MessagePort for the embedded prober (`port-client-node.ts`), both in prober/adapters/. */
export interface EdgeConnection {
  send(text: string): void;
  close(code: number, reason: string): void;
  /** Binary messages arrive as bytes; the protocol is text only. */
  onMessage(listener: (data: string | Uint8Array) => void): void;
  /** Fires once, whoever closed; code 1006 when the network dropped it. */
  onClose(listener: (code: number, reason: string) => void): void;
}

export type ConnectOutcome = { ok: true; connection: EdgeConnection } | { ok: false; detail: string };

/** Opens a connection to the edge's agent endpoint; failures are values, never throws. */
export type ConnectEdge = (url: string, options: { timeoutMs: number }) => Promise<ConnectOutcome>;
