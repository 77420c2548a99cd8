import type { MessagePort } from 'node:worker_threads';
import { CLOSE_ANSWER_WAIT_MS, CLOSE_REASON_CHARS, type TextSocket } from './text-socket.ts';

/** What one end posts to the other besides text frames: a close, or the answer to one. */
interface PortClose {
  close: number;
  reason: string;
}

/**
 * The agent protocol's text socket over a MessagePort, for an agent on another thread of the
 * same process (the embedded prober of `bouncezero start`): the same text frames as over `ws`,
 * without loopback TCP, framing, masking and UTF-8 work on both threads. The close is `ws`'s
 * handshake: the closer posts its code and reason and keeps taking the frames already on their
 * way until the other end answers with the same and closes the port (a port delivers what was
 * posted before its 'close'), so both ends see the closer's code and reason. A port that closes
 * without one (the other thread ended or crashed) reads as 1006, as a dropped WebSocket does,
 * and a peer that never answers loses the port after 2 s, as `ws` terminates one. The listener
 * is attached at once, so a close posted before the owner listens is not lost; frames wait in
 * `early` until it does. Node-only (the `close` event of worker_threads ports).
 */
export function portTextSocket(port: MessagePort): TextSocket {
  let closing: PortClose | undefined;
  let closed: PortClose | undefined;
  let deliver: ((data: string) => void) | undefined;
  let giveUp: ReturnType<typeof setTimeout> | undefined;
  const early: string[] = [];
  port.on('message', (message: unknown) => {
    if (typeof message === 'string') {
      if (deliver) deliver(message);
      else early.push(message);
    } else if (isPortClose(message) && !closed) {
      closed = { close: message.close, reason: message.reason };
      if (!closing) port.postMessage(closed);
      port.close();
    }
    // Nothing else is posted: only this module writes to the port.
  });
  port.once('close', () => clearTimeout(giveUp));
  return {
    send(text) {
      if (!closing && !closed) port.postMessage(text);
    },
    close(code, reason) {
      if (closing || closed) return;
      closing = { close: code, reason: reason.slice(0, CLOSE_REASON_CHARS) };
      port.postMessage(closing);
      giveUp = setTimeout(() => port.close(), CLOSE_ANSWER_WAIT_MS).unref();
    },
    onMessage(listener) {
      deliver = listener;
      for (const data of early.splice(0)) listener(data);
    },
    onClose(listener) {
      port.once('close', () => listener(closed?.close ?? 1006, closed?.reason ?? ''));
    },
  };
}

function isPortClose(message: unknown): message is PortClose {
  return typeof message === 'object' && message !== null && typeof (message as PortClose).close === 'number' && typeof (message as PortClose).reason === 'string';
}
