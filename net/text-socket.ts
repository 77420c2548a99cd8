/**
 * What both ends of the agent protocol need from a link, whatever carries it (`ws`,
 * ws-socket-node.ts; a MessagePort, port-socket-node.ts): text out, frames in, one close.
 */
export interface TextSocket {
  send(text: string): void;
  close(code: number, reason: string): void;
  /** Text frames arrive as strings, binary ones as bytes (the protocol is text; the receiver refuses them). */
  onMessage(listener: (data: string | Uint8Array) => void): void;
  /** Fires once, whoever closed; code 1006 when the link dropped. */
  onClose(listener: (code: number, reason: string) => void): void;
}

/** A close reason is cut to this many characters (a WebSocket close frame holds 123 bytes of it). */
export const CLOSE_REASON_CHARS = 120;
/** A peer that never answers the close handshake loses the link after this long. */
export const CLOSE_ANSWER_WAIT_MS = 2_000;
