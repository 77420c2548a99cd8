/**
 * A Dialer that reaches MX hosts through a SOCKS5 proxy (BZ_SOCKS5): RFC 1928 CONNECT to the
 * MX's IP address, after RFC 1929 username/password authentication when the URL carries
 * credentials. The tunnel is then an ordinary socket, so STARTTLS works through it unchanged.
 * Credentials never reach a message: failures name the proxy by host and port only.
 */
import { connect, type Socket } from 'node:net';
import { systemClock, type Clock } from '../../protocol/index.ts';
import type { DialFailure, DialOutcome, Dialer } from '../smtp/dialer.ts';
import { socketConnection } from './socket-connection.ts';
import {
  connectFailure, decodeConnectReply, decodeMethodChoice, decodeUserPassReply, encodeConnect, encodeGreeting,
  encodeUserPass, ipBytes, METHOD_NONE, METHOD_USERPASS, type Decoded,
} from './socks5-protocol.ts';
import { describeProxy, parseSocks5Url, type Socks5Proxy } from './socks5-url.ts';

export interface Socks5DialerOptions {
  clock?: Clock;
}

/** Throws (a configuration error, at start-up) when the URL is not a usable SOCKS5 proxy URL. */
export function createSocks5Dialer(proxyUrl: string, options: Socks5DialerOptions = {}): Dialer {
  const parsed = parseSocks5Url(proxyUrl);
  if (!parsed.ok) throw new Error(parsed.error);
  const { proxy } = parsed;
  const clock = options.clock ?? systemClock;
  return {
    dial(address, port, { timeoutMs, signal }) {
      const target = ipBytes(address);
      if (!target) return Promise.resolve(failed('unreachable', `${JSON.stringify(address.slice(0, 64))} is not an IP address`));
      if (!Number.isInteger(port) || port < 1 || port > 65535) return Promise.resolve(failed('unreachable', `bad port ${port}`));
      return tunnel(proxy, address, target, port, timeoutMs, clock, signal);
    },
  };
}

type Stage = 'method' | 'auth' | 'connect';

function tunnel(proxy: Socks5Proxy, address: string, target: Uint8Array, port: number, timeoutMs: number, clock: Clock, signal?: AbortSignal): Promise<DialOutcome> {
  const via = `via SOCKS5 proxy ${describeProxy(proxy)}`;
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(failed('aborted', 'aborted before dialing'));
    const socket = connect({ host: proxy.host, port: proxy.port });
    let stage: Stage = 'method';
    let connected = false;
    let buffer = new Uint8Array(0);
    let settled = false;

    const finish = (outcome: DialOutcome) => {
      if (settled) return;
      settled = true;
      cancel();
      signal?.removeEventListener('abort', onAbort);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      socket.off('connect', onConnect);
      if (!outcome.ok) {
        socket.on('error', () => {}); // a late error on a socket we are discarding
        socket.destroy();
      }
      resolve(outcome);
    };
    const fail = (failure: DialFailure, detail: string) => finish(failed(failure, `${detail} (${via})`));

    // Run one decoder over the bytes so far; 'more' waits for the next chunk.
    const take = <T>(decoded: Decoded<T>): (T & { used: number }) | undefined => {
      if (decoded.kind === 'more') return undefined;
      if (decoded.kind === 'bad') {
        fail('proxy_error', decoded.detail);
        return undefined;
      }
      buffer = buffer.subarray(decoded.used);
      return decoded;
    };
    const step = () => {
      if (stage === 'method') {
        const choice = take(decodeMethodChoice(buffer));
        if (!choice) return;
        if (choice.method === METHOD_USERPASS && proxy.auth) {
          stage = 'auth';
          socket.write(encodeUserPass(proxy.auth.user, proxy.auth.password));
        } else if (choice.method === METHOD_NONE) {
          stage = 'connect';
          socket.write(encodeConnect(target, port));
        } else return fail('proxy_error', `the proxy chose authentication method ${choice.method}, which we did not offer`);
      } else if (stage === 'auth') {
        const reply = take(decodeUserPassReply(buffer));
        if (!reply) return;
        if (!reply.accepted) return fail('proxy_error', 'the proxy rejected the user name and password');
        stage = 'connect';
        socket.write(encodeConnect(target, port));
      } else {
        const reply = take(decodeConnectReply(buffer));
        if (!reply) return;
        if (reply.rep !== 0) {
          const why = connectFailure(reply.rep);
          return fail(why.failure, `${address}:${port}: ${why.detail}`);
        }
        const initial = buffer.slice();
        return finish({ ok: true, connection: socketConnection(socket, address, { clock, initial }) });
      }
      if (!settled && buffer.length > 0) step();
    };

    const onData = (chunk: Buffer) => {
      const joined = new Uint8Array(buffer.length + chunk.length);
      joined.set(buffer);
      joined.set(chunk, buffer.length);
      buffer = joined;
      if (buffer.length > 1024) return fail('proxy_error', 'the proxy sent more than a handshake');
      step();
    };
    const onConnect = () => {
      connected = true;
      socket.write(encodeGreeting(proxy.auth !== undefined));
    };
    const onError = (error: NodeJS.ErrnoException) => {
      const what = error.code === 'ECONNREFUSED' ? 'the proxy refused the connection' : `proxy connection error ${error.code ?? error.message}`;
      fail('proxy_error', connected ? `${what} during the SOCKS5 handshake` : what);
    };
    const onClose = () => fail('proxy_error', `the proxy closed the connection during the SOCKS5 ${stage === 'connect' ? 'CONNECT' : 'handshake'}`);
    const onAbort = () => fail('aborted', 'aborted');
    const cancel = clock.setTimer(() => fail('timeout', `no SOCKS5 tunnel to ${address}:${port} within ${timeoutMs} ms`), timeoutMs);

    socket.on('connect', onConnect);
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function failed(failure: DialFailure, detail: string): DialOutcome {
  return { ok: false, failure, detail };
}
