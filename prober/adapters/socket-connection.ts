/**
 * A node:net (or node:tls) socket as the session's Connection. Used by every Node dialer, direct
 * or proxied: STARTTLS wraps whatever socket carries the session, so TLS through a SOCKS5
 * tunnel is the same code as TLS on a direct connection.
 */
import { isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type SecureContext } from 'node:tls';
import { systemClock, type Clock } from '../../protocol/index.ts';
import type { Connection, DialOutcome } from '../smtp/dialer.ts';

export interface SocketConnectionOptions {
  clock?: Clock;
  /** Bytes already read past a proxy handshake: the first data the session sees. */
  initial?: Uint8Array;
  /** TLS sessions (tickets) kept per server, offered on the next STARTTLS to it: a resumed handshake skips the key exchange's work. */
  tlsSessions?: TlsSessionStore;
  /**
   * The TLS context every STARTTLS of the dialer shares: without one, node builds a context (its
   * cipher list, the default CA store) for each connection, the largest part of a handshake's
   * CPU on our side.
   */
  tlsContext?: SecureContext;
}

/** Where resumable TLS sessions wait, keyed by server; a dialer owns one for all its connections. */
export interface TlsSessionStore {
  get(key: string): Buffer | undefined;
  set(key: string, session: Buffer): void;
}

export function socketConnection(socket: Socket, remoteAddress: string, options: SocketConnectionOptions = {}): Connection {
  const clock = options.clock ?? systemClock;
  // Until the session listens, chunks and the end wait here, so nothing that arrives between
  // the dial and the session's first listener is lost.
  let pending: Uint8Array[] = options.initial && options.initial.length > 0 ? [options.initial] : [];
  let dataListener: ((chunk: Uint8Array) => void) | undefined;
  let endListener: ((error?: Error) => void) | undefined;
  let ended: { error?: Error } | undefined;
  let endReported = false;
  let handedOver = false;

  const reportEnd = () => {
    if (!ended || !endListener || endReported || pending.length > 0) return;
    endReported = true;
    endListener(ended.error);
  };
  const onData = (chunk: Buffer) => {
    if (handedOver) return;
    const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (dataListener && pending.length === 0) dataListener(bytes);
    else pending.push(bytes);
  };
  const onError = (error: Error) => {
    ended ??= { error };
  };
  const onClose = () => {
    ended ??= {};
    if (!handedOver) reportEnd();
  };
  // SMTP commands are small and pipelined ones go out together anyway: Nagle only adds delay.
  socket.setNoDelay(true);
  socket.on('data', onData);
  socket.on('error', onError);
  socket.on('close', onClose);

  return {
    remoteAddress,
    write(chunk) {
      if (!ended && !handedOver) socket.write(chunk);
    },
    onData(listener) {
      dataListener = listener;
      queueMicrotask(() => {
        const queued = pending;
        pending = [];
        for (const chunk of queued) listener(chunk);
        reportEnd();
      });
    },
    onEnd(listener) {
      endListener = listener;
      reportEnd();
    },
    startTls(servername, { timeoutMs }) {
      if (ended || handedOver) return Promise.resolve({ ok: false, failure: 'tls_failed', detail: 'the connection is closed' });
      // Plaintext that came after the 220 is dropped (RFC 3207 §4.2), and this wrapper goes quiet:
      // the TLS socket now owns the bytes and gets a Connection of its own.
      handedOver = true;
      pending = [];
      socket.off('data', onData);
      return upgrade(socket, servername, remoteAddress, timeoutMs, clock, options);
    },
    close() {
      socket.destroy();
    },
  };
}

function upgrade(socket: Socket, servername: string, remoteAddress: string, timeoutMs: number, clock: Clock, options: SocketConnectionOptions): Promise<DialOutcome> {
  const { tlsSessions: sessions, tlsContext } = options;
  return new Promise((resolve) => {
    const key = `${remoteAddress} ${servername}`;
    const session = sessions?.get(key);
    // Opportunistic TLS as MTAs do it: any certificate is taken (RFC 7435), the name is sent for SNI.
    const tls = tlsConnect({ socket, rejectUnauthorized: false, ...(isIP(servername) ? {} : { servername }), ...(session ? { session } : {}), ...(tlsContext ? { secureContext: tlsContext } : {}) });
    // TLS 1.3 tickets may come after the handshake: keep whichever arrives last.
    if (sessions) tls.on('session', (ticket: Buffer) => sessions.set(key, ticket));
    let settled = false;
    const finish = (outcome: DialOutcome) => {
      if (settled) return;
      settled = true;
      cancel();
      tls.off('secureConnect', onSecure);
      tls.off('error', onFailure);
      tls.off('close', onClosed);
      if (!outcome.ok) tls.destroy();
      resolve(outcome);
    };
    const onSecure = () => finish({ ok: true, connection: socketConnection(tls, remoteAddress, { clock, ...(sessions ? { tlsSessions: sessions } : {}), ...(tlsContext ? { tlsContext } : {}) }) });
    const onFailure = (error: Error) => finish({ ok: false, failure: 'tls_failed', detail: error.message.slice(0, 200) });
    const onClosed = () => finish({ ok: false, failure: 'tls_failed', detail: 'the server closed the connection during the TLS handshake' });
    const cancel = clock.setTimer(() => finish({ ok: false, failure: 'timeout', detail: `TLS handshake not done within ${timeoutMs} ms` }), timeoutMs);
    tls.once('secureConnect', onSecure);
    tls.once('error', onFailure);
    tls.once('close', onClosed);
  });
}
