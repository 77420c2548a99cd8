import type { TextSocket } from '../../net/text-socket.ts';

/** One link to the edge as the agent needs it: a WebSocket (`ws-client-node.ts`), or a MessagePort for the embedded prober (`port-client-node.ts`), both in prober/adapters/. */
export type EdgeConnection = TextSocket;

export type ConnectOutcome = { ok: true; connection: EdgeConnection } | { ok: false; detail: string };

/** Opens a connection to the edge's agent endpoint; failures are values, never throws. */
export type ConnectEdge = (url: string, options: { timeoutMs: number }) => Promise<ConnectOutcome>;
