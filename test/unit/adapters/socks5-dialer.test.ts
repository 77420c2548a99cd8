import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSocks5Dialer } from '../../../prober/adapters/socks5-dialer.ts';
import type { Connection, DialOutcome } from '../../../prober/smtp/dialer.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { tcpListeners } from '../../support/tcp-listeners.ts';

const USER = 'probe-user';
const PASSWORD = 'pa:ss@w/rd';
const AUTH_URL = (port: number) => `socks5://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}`;

/** Reads exact byte counts from a socket, as a scripted server does. */
function reader(socket: Socket) {
  let buf = Buffer.alloc(0);
  let wake: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    wake?.();
  });
  return async (n: number): Promise<Buffer> => {
    while (buf.length < n) await new Promise<void>((r) => (wake = r));
    const out = buf.subarray(0, n);
    buf = buf.subarray(n);
    return out;
  };
}

const tcp = tcpListeners();
const listen = tcp.listen;
afterEach(() => tcp.closeAll());

interface Seen {
  greeting?: Buffer;
  auth?: { user: string; password: string };
  connect?: Buffer;
}

/** A SOCKS5 server: method choice, RFC 1929 check, then `onConnect` answers the CONNECT request. */
function socksServer(options: { requireAuth: boolean; seen: Seen; onConnect: (client: Socket, request: Buffer) => void }) {
  return async (client: Socket) => {
    const read = reader(client);
    const head = await read(2);
    options.seen.greeting = Buffer.concat([head, await read(head[1]!)]);
    const methods = [...options.seen.greeting.subarray(2)];
    const method = options.requireAuth ? (methods.includes(2) ? 2 : 0xff) : 0;
    client.write(Buffer.from([5, method]));
    if (method === 0xff) return client.end();
    if (method === 2) {
      const ulen = (await read(2))[1]!;
      const user = (await read(ulen)).toString();
      const plen = (await read(1))[0]!;
      const password = (await read(plen)).toString();
      options.seen.auth = { user, password };
      const ok = user === USER && password === PASSWORD;
      client.write(Buffer.from([1, ok ? 0 : 1]));
      if (!ok) return client.end();
    }
    const fixed = await read(4);
    const addressLength = fixed[3] === 1 ? 4 : 16;
    options.seen.connect = Buffer.concat([fixed, await read(addressLength + 2)]);
    options.onConnect(client, options.seen.connect);
  };
}

const SUCCESS_REPLY = Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0x04, 0x38]);

/** The relay of a real proxy: connect to the requested IPv4/IPv6 address and pipe both ways. */
function relay(client: Socket, request: Buffer) {
  const v4 = request[3] === 1;
  const addr = request.subarray(4, v4 ? 8 : 20);
  const host = v4 ? [...addr].join('.') : Array.from({ length: 8 }, (_, i) => addr.readUInt16BE(2 * i).toString(16)).join(':');
  const port = request.readUInt16BE(v4 ? 8 : 20);
  const upstream = new Socket();
  upstream.on('error', () => client.end(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0])));
  upstream.connect(port, host, () => {
    client.write(SUCCESS_REPLY);
    client.pipe(upstream).pipe(client);
  });
}

function collect(connection: Connection): { text: () => string; ended: Promise<Error | undefined> } {
  const chunks: Uint8Array[] = [];
  connection.onData((c) => chunks.push(c));
  const ended = new Promise<Error | undefined>((r) => connection.onEnd(r));
  return { text: () => Buffer.concat(chunks).toString(), ended };
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setImmediate(r));
}

function expectFailure(outcome: DialOutcome, failure: string): string {
  expect(outcome.ok).toBe(false);
  if (outcome.ok) throw new Error('unreachable');
  expect(outcome.failure).toBe(failure);
  expect(outcome.detail).not.toContain(PASSWORD);
  expect(outcome.detail).not.toContain(USER);
  return outcome.detail;
}

/** A tiny SMTP-ish target: banner, then on STARTTLS "220 go" and a TLS server on the same socket. */
let tlsDir: string;
let key: Buffer;
let cert: Buffer;
beforeAll(() => {
  tlsDir = mkdtempSync(join(tmpdir(), 'bz-socks-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=mx.test', '-keyout', join(tlsDir, 'key.pem'), '-out', join(tlsDir, 'cert.pem')], { stdio: 'ignore' });
  key = readFileSync(join(tlsDir, 'key.pem'));
  cert = readFileSync(join(tlsDir, 'cert.pem'));
});
afterAll(() => rmSync(tlsDir, { recursive: true, force: true }));

function smtpTarget(): Promise<number> {
  return listen((socket) => {
    socket.write('220 mx.test ESMTP\r\n');
    const read = reader(socket);
    void read(10).then((line) => {
      if (line.toString() !== 'STARTTLS\r\n') return socket.end('500 what\r\n');
      socket.removeAllListeners('data');
      socket.write('220 go\r\n');
      const secure = new TLSSocket(socket, { isServer: true, key, cert });
      secure.on('error', () => {});
      secure.on('data', (d: Buffer) => secure.write(`250 secure echo ${d.toString()}`));
    });
  });
}

describe('createSocks5Dialer through a working proxy', () => {
  it('tunnels to the target without authentication and reads its banner', async () => {
    const target = await smtpTarget();
    const seen: Seen = {};
    const proxy = await listen(socksServer({ requireAuth: false, seen, onConnect: relay }));
    const out = await createSocks5Dialer(`socks5://127.0.0.1:${proxy}`).dial('127.0.0.1', target, { timeoutMs: 5000 });
    if (!out.ok) throw new Error(out.detail);
    expect(out.connection.remoteAddress).toBe('127.0.0.1');
    expect([...seen.greeting!]).toEqual([5, 1, 0]);
    expect([...seen.connect!]).toEqual([5, 1, 0, 1, 127, 0, 0, 1, target >> 8, target & 0xff]);
    const got = collect(out.connection);
    await until(() => got.text().includes('\r\n'));
    expect(got.text()).toBe('220 mx.test ESMTP\r\n');
    out.connection.close();
  });

  it('accepts the plain host:port form', async () => {
    const target = await smtpTarget();
    const proxy = await listen(socksServer({ requireAuth: false, seen: {}, onConnect: relay }));
    const out = await createSocks5Dialer(`127.0.0.1:${proxy}`).dial('127.0.0.1', target, { timeoutMs: 5000 });
    expect(out.ok).toBe(true);
    if (out.ok) out.connection.close();
  });

  it('authenticates with the URL credentials, percent-decoded', async () => {
    const target = await smtpTarget();
    const seen: Seen = {};
    const proxy = await listen(socksServer({ requireAuth: true, seen, onConnect: relay }));
    const out = await createSocks5Dialer(AUTH_URL(proxy)).dial('127.0.0.1', target, { timeoutMs: 5000 });
    expect(out.ok).toBe(true);
    expect([...seen.greeting!]).toEqual([5, 2, 0, 2]);
    expect(seen.auth).toEqual({ user: USER, password: PASSWORD });
    if (out.ok) out.connection.close();
  });

  it('runs STARTTLS through the tunnel', async () => {
    const target = await smtpTarget();
    const proxy = await listen(socksServer({ requireAuth: true, seen: {}, onConnect: relay }));
    const out = await createSocks5Dialer(AUTH_URL(proxy)).dial('127.0.0.1', target, { timeoutMs: 5000 });
    if (!out.ok) throw new Error(out.detail);
    const plain = collect(out.connection);
    await until(() => plain.text().includes('\r\n'));
    out.connection.write(Buffer.from('STARTTLS\r\n'));
    await until(() => plain.text().includes('220 go\r\n'));
    const upgraded = await out.connection.startTls('mx.test', { timeoutMs: 5000 });
    if (!upgraded.ok) throw new Error(upgraded.detail);
    const secure = collect(upgraded.connection);
    upgraded.connection.write(Buffer.from('EHLO prober.test\r\n'));
    await until(() => secure.text().includes('\r\n'));
    expect(secure.text()).toBe('250 secure echo EHLO prober.test\r\n');
    expect(upgraded.connection.remoteAddress).toBe('127.0.0.1');
    upgraded.connection.close();
    expect(await secure.ended).toBeUndefined();
  });

  it('hands over target bytes that came in the same packet as the CONNECT reply', async () => {
    const proxy = await listen(socksServer({ requireAuth: false, seen: {}, onConnect: (c) => c.write(Buffer.concat([SUCCESS_REPLY, Buffer.from('220 early\r\n')])) }));
    const out = await createSocks5Dialer(`socks5://127.0.0.1:${proxy}`).dial('127.0.0.1', 25, { timeoutMs: 5000 });
    if (!out.ok) throw new Error(out.detail);
    const got = collect(out.connection);
    await until(() => got.text().length > 0);
    expect(got.text()).toBe('220 early\r\n');
    out.connection.close();
  });

  it('decodes replies that arrive one byte at a time, with a domain-name bound address', async () => {
    const reply = Buffer.concat([Buffer.from([5, 0, 0, 3, 7]), Buffer.from('mx.test'), Buffer.from([0, 25]), Buffer.from('220 x\r\n')]);
    const dribble = async (c: Socket, bytes: Buffer) => {
      for (const b of bytes) {
        c.write(Buffer.from([b]));
        await new Promise((r) => setImmediate(r));
      }
    };
    const proxy = await listen((client) => {
      const read = reader(client);
      void read(3).then(() => dribble(client, Buffer.from([5, 0]))).then(() => read(10)).then(() => dribble(client, reply));
    });
    const out = await createSocks5Dialer(`socks5://127.0.0.1:${proxy}`).dial('127.0.0.1', 25, { timeoutMs: 5000 });
    if (!out.ok) throw new Error(out.detail);
    const got = collect(out.connection);
    await until(() => got.text().includes('\r\n'));
    expect(got.text()).toBe('220 x\r\n');
    out.connection.close();
  });

  it('sends an IPv6 target as ATYP 4 with its 16 bytes', async () => {
    const seen: Seen = {};
    const proxy = await listen(socksServer({ requireAuth: false, seen, onConnect: (c) => c.write(SUCCESS_REPLY) }));
    const out = await createSocks5Dialer(`socks5://127.0.0.1:${proxy}`).dial('2001:db8::10:1', 25, { timeoutMs: 5000 });
    expect(out.ok).toBe(true);
    expect([...seen.connect!]).toEqual([5, 1, 0, 4, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 1, 0, 25]);
    if (out.ok) out.connection.close();
  });
});

describe('createSocks5Dialer failures', () => {
  const dialVia = async (onConnect: (c: Socket, r: Buffer) => void, url = (p: number) => `socks5://127.0.0.1:${p}`) => {
    const proxy = await listen(socksServer({ requireAuth: false, seen: {}, onConnect }));
    return createSocks5Dialer(url(proxy)).dial('127.0.0.1', 25, { timeoutMs: 5000 });
  };

  it.each([
    [1, 'proxy_error', 'general SOCKS server failure'],
    [2, 'proxy_error', 'not allowed by the proxy ruleset'],
    [3, 'unreachable', 'network unreachable'],
    [4, 'unreachable', 'host unreachable'],
    [5, 'refused', 'connection refused'],
    [6, 'unreachable', 'TTL expired'],
    [7, 'proxy_error', 'command not supported'],
    [8, 'proxy_error', 'address type not supported'],
    [42, 'proxy_error', 'unknown SOCKS5 reply code 42'],
  ])('maps CONNECT reply %i to %s', async (rep, failure, words) => {
    const out = await dialVia((c) => c.end(Buffer.from([5, rep, 0, 1, 0, 0, 0, 0, 0, 0])));
    expect(expectFailure(out, failure)).toContain(words);
  });

  it('says so when the proxy refuses the credentials, and never repeats them', async () => {
    const proxy = await listen(socksServer({ requireAuth: true, seen: {}, onConnect: relay }));
    const out = await createSocks5Dialer(`socks5://${USER}:wrong-${encodeURIComponent(PASSWORD)}@127.0.0.1:${proxy}`).dial('127.0.0.1', 25, { timeoutMs: 5000 });
    expect(expectFailure(out, 'proxy_error')).toContain('rejected the user name and password');
  });

  it('says so when the proxy wants credentials we do not have', async () => {
    const proxy = await listen(socksServer({ requireAuth: true, seen: {}, onConnect: relay }));
    const out = await createSocks5Dialer(`socks5://127.0.0.1:${proxy}`).dial('127.0.0.1', 25, { timeoutMs: 5000 });
    expect(expectFailure(out, 'proxy_error')).toContain('accepts none of our authentication methods');
  });

  it.each([
    ['an empty reply to the greeting', [], 'handshake'],
    ['half a method reply', [5], 'handshake'],
    ['a method reply from SOCKS4', [4, 0], 'does not speak SOCKS5'],
    ['a method we did not offer', [5, 1], 'method 1'],
  ])('fails cleanly on %s', async (_, bytes, words) => {
    const proxy = await listen((c) => reader(c)(3).then(() => c.end(Buffer.from(bytes))));
    const out = await createSocks5Dialer(`socks5://127.0.0.1:${proxy}`).dial('127.0.0.1', 25, { timeoutMs: 5000 });
    expect(expectFailure(out, 'proxy_error')).toContain(words);
  });

  it.each([
    ['a CONNECT reply cut in its address', [5, 0, 0, 1, 127, 0]],
    ['a CONNECT reply cut before its port', [5, 0, 0, 4, ...Array<number>(16).fill(0)]],
    ['a CONNECT reply of an unknown address type', [5, 0, 0, 9, 0, 0, 0, 0, 0, 0]],
  ])('fails cleanly on %s', async (_, bytes) => {
    const out = await dialVia((c) => c.end(Buffer.from(bytes)));
    expectFailure(out, 'proxy_error');
  });

  it('fails cleanly on a truncated username/password reply', async () => {
    const proxy = await listen((c) => {
      const read = reader(c);
      void read(4).then(() => c.write(Buffer.from([5, 2]))).then(() => read(1)).then(() => c.end(Buffer.from([1])));
    });
    const out = await createSocks5Dialer(AUTH_URL(proxy)).dial('127.0.0.1', 25, { timeoutMs: 5000 });
    expect(expectFailure(out, 'proxy_error')).toContain('closed the connection');
  });

  it('reports a proxy that is not listening as a proxy error, naming host and port only', async () => {
    const port = await listen(() => {});
    await tcp.closeAll();
    const out = await createSocks5Dialer(AUTH_URL(port)).dial('127.0.0.1', 25, { timeoutMs: 5000 });
    expect(expectFailure(out, 'proxy_error')).toContain(`refused the connection (via SOCKS5 proxy 127.0.0.1:${port} (with authentication))`);
  });

  it('times out on a proxy that never answers, on the injected clock', async () => {
    let connections = 0;
    const proxy = await listen(() => connections++);
    const clock = new FakeClock();
    const pending = createSocks5Dialer(AUTH_URL(proxy), { clock }).dial('127.0.0.1', 25, { timeoutMs: 3000 });
    await until(() => connections === 1);
    await clock.advance(2999);
    expect(clock.pending).toBe(1);
    await clock.advance(1);
    expect(expectFailure(await pending, 'timeout')).toContain('within 3000 ms');
  });

  it('stops when aborted', async () => {
    const proxy = await listen(() => {});
    const abort = new AbortController();
    const pending = createSocks5Dialer(`socks5://127.0.0.1:${proxy}`).dial('127.0.0.1', 25, { timeoutMs: 5000, signal: abort.signal });
    abort.abort();
    expectFailure(await pending, 'aborted');
    abort.abort();
    const again = await createSocks5Dialer(`socks5://127.0.0.1:${proxy}`).dial('127.0.0.1', 25, { timeoutMs: 5000, signal: abort.signal });
    expectFailure(again, 'aborted');
  });

  it('refuses to send anything but an IP address', async () => {
    let connections = 0;
    const proxy = await listen(() => connections++);
    const out = await createSocks5Dialer(`socks5://127.0.0.1:${proxy}`).dial('mx.example.com', 25, { timeoutMs: 5000 });
    expectFailure(out, 'unreachable');
    expect(connections).toBe(0);
  });
});

describe('createSocks5Dialer configuration', () => {
  it.each([
    ['http://proxy:8080', 'scheme'],
    ['socks5://', 'host'],
    ['socks5://proxy:99999', 'URL'],
    ['socks5://proxy:1080/path', 'path'],
    [`socks5://${'u'.repeat(256)}:${encodeURIComponent(PASSWORD)}@proxy:1080`, 'RFC 1929'],
    [`socks5://${USER}:%E0%A4%A@proxy:1080`, 'percent-encoding'],
    [`socks5://${USER}:${'p'.repeat(256)}@proxy:1080`, 'RFC 1929'],
  ])('rejects %s with a clear error that holds no secret', (url, words) => {
    let message = '';
    try {
      createSocks5Dialer(url);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('BZ_SOCKS5');
    expect(message).toContain(words);
    expect(message).not.toContain(PASSWORD);
    expect(message).not.toContain('pppp');
  });
});
