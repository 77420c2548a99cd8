import { connect } from 'node:net';
import { createSecureContext } from 'node:tls';
import { systemClock, type Clock } from '../../protocol/index.ts';
import type { DialFailure, DialOutcome, Dialer } from '../smtp/dialer.ts';
import { LRUCache } from 'lru-cache';
import { socketConnection } from './socket-connection.ts';

export interface NetDialerOptions {
  /** Source address to dial from (a prober with several egress addresses). */
  localAddress?: string;
  clock?: Clock;
}

/** Servers whose TLS session is kept for resumption (a ticket is a few hundred bytes). */
const TLS_SESSIONS_KEPT = 10_000;

/** The real Dialer: node:net for TCP; STARTTLS (unverified, opportunistic) comes with the socket's Connection. */
export function createNetDialer(options: NetDialerOptions = {}): Dialer {
  const clock = options.clock ?? systemClock;
  const tlsSessions = new LRUCache<string, Buffer>({ max: TLS_SESSIONS_KEPT });
  const tlsContext = createSecureContext();
  return {
    dial(address, port, { timeoutMs, signal }) {
      return new Promise<DialOutcome>((resolve) => {
        if (signal?.aborted) return resolve({ ok: false, failure: 'aborted', detail: 'aborted before dialing' });
        const socket = connect({ host: address, port, ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
        const settle = (outcome: DialOutcome) => {
          cancel();
          socket.off('error', onError);
          signal?.removeEventListener('abort', onAbort);
          if (!outcome.ok) socket.destroy();
          resolve(outcome);
        };
        const onError = (error: NodeJS.ErrnoException) => settle({ ok: false, failure: failureOf(error), detail: error.message });
        const onAbort = () => settle({ ok: false, failure: 'aborted', detail: 'aborted while connecting' });
        const cancel = clock.setTimer(() => settle({ ok: false, failure: 'timeout', detail: `no connection within ${timeoutMs} ms` }), timeoutMs);
        socket.once('error', onError);
        signal?.addEventListener('abort', onAbort, { once: true });
        socket.once('connect', () => settle({ ok: true, connection: socketConnection(socket, address, { clock, tlsSessions, tlsContext }) }));
      });
    },
  };
}

function failureOf(error: NodeJS.ErrnoException): DialFailure {
  switch (error.code) {
    case 'ECONNREFUSED': return 'refused';
    case 'ETIMEDOUT': return 'timeout';
    default: return 'unreachable';
  }
}
