import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { portTextSocket } from '../../net/port-socket-node.ts';
import type { ConnectEdge } from '../agent/edge-connection.ts';

/** The edge URL an in-process agent is given: it names the link only and is never dialed (nor warned about as an unencrypted remote edge). */
export const IN_PROCESS_EDGE_URL = 'thread:edge';

/**
 * The agent's link to an edge on another thread of this process (the embedded prober of
 * `bouncezero start`): each connection is a new MessageChannel, one end kept, the other handed to
 * the edge by `offer` (which takes it like a WebSocket upgrade). The URL is not dialed; the
 * handshake, the frames and the reconnects are the agent's as over `ws`.
 */
export function portConnectEdge(offer: (port: MessagePort) => void): ConnectEdge {
  return async () => {
    const { port1, port2 } = new MessageChannel();
    const connection = portTextSocket(port1);
    offer(port2);
    return { ok: true, connection };
  };
}
