import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Connection, DialFailure, DialOutcome, Dialer } from '../smtp/dialer.ts';

export interface NetDialerOptions {
  /** Source address to dial from (a prober with several egress addresses). */
  localAddress?: string;
}

/** The real Dialer: node:net for TCP, node:tls for STARTTLS (opportunistic: certificates not verified). */
export function createNetDialer(options: NetDialerOptions = {}): Dialer {
  return {
    dial(address, port, { timeoutMs, signal }) {
      return new Promise<DialOutcome>((resolve) => {
        if (signal?.aborted) return resolve({ ok: false, failure: 'aborted', detail: 'aborted before dialing' });
        const socket = connect({ host: address, port, ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
        const settle = (outcome: DialOutcome) => {
          socket.setTimeout(0);
          socket.off('error', onError);
          signal?.removeEventListener('abort', onAbort);
          if (!outcome.ok) socket.destroy();
          resolve(outcome);
        };
        const onError = (error: NodeJS.ErrnoException) => settle({ ok: false, failure: failureOf(error), detail: error.message });
        const onAbort = () => settle({ ok: false, failure: 'aborted', detail: 'aborted while connecting' });
        socket.once('error', onError);
        socket.setTimeout(timeoutMs, () => settle({ ok: false, failure: 'timeout', detail: `no connection within ${timeoutMs} ms` }));
        signal?.addEventListener('abort', onAbort, { once: true });
        socket.once('connect', () => settle({ ok: true, connection: wrap(socket) }));
      });
    },
  };
}

function wrap(socket: Socket): Connection {
  socket.setNoDelay(true);
  let ended = false;
  const endListeners: ((error?: Error) => void)[] = [];
  let lastError: Error | undefined;
  socket.on('error', (error) => (lastError = error));
  socket.on('close', () => {
    if (ended) return;
    ended = true;
    for (const listener of endListeners) listener(lastError);
  });
  return {
    remoteAddress: socket.remoteAddress ?? '',
    write: (chunk) => void socket.write(chunk),
    onData: (listener) => void socket.on('data', (chunk: Buffer) => listener(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length))),
    onEnd: (listener) => void endListeners.push(listener),
    close: () => void socket.destroy(),
    startTls(servername, { timeoutMs }) {
      // From here on the plain socket belongs to TLS: its own listeners must not see ciphertext.
      socket.removeAllListeners('data');
      ended = true;
      return new Promise<DialOutcome>((resolve) => {
        const tls = tlsConnect({ socket, rejectUnauthorized: false, ...(servername ? { servername } : {}) });
        socket.setTimeout(timeoutMs, () => fail(`no TLS handshake progress within ${timeoutMs} ms`));
        const fail = (detail: string) => {
          socket.setTimeout(0);
          tls.destroy();
          socket.destroy();
          resolve({ ok: false, failure: 'tls_failed', detail });
        };
        tls.once('error', (error) => fail(error.message));
        tls.once('secureConnect', () => {
          socket.setTimeout(0);
          tls.removeAllListeners('error');
          resolve({ ok: true, connection: wrap(tls as unknown as Socket) });
        });
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
