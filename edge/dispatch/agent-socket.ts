/**
 * The one thing the hub needs from a WebSocket, so it runs on any runtime and is tested with
 * in-memory sockets. The `ws` implementation lives in edge/adapters/ws-node.ts.
 */
export interface AgentSocket {
  /** The address the edge sees the peer from (the agent's egress address). */
  readonly remoteAddress: string;
  send(text: string): void;
  close(code: number, reason: string): void;
  /** Binary messages arrive as bytes; the protocol is text only, so the hub refuses them. */
  onMessage(listener: (data: string | Uint8Array) => void): void;
  /** Fires once, whoever closed. */
  onClose(listener: () => void): void;
  /** The hub verified the agent: the transport lifts its pre-authentication limits. */
  authenticated?(): void;
}
