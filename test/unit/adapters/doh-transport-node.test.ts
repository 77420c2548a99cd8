import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeDohTransport } from '../../../edge/adapters/doh-transport-node.ts';
import { createDohClient } from '../../../edge/dns/doh-client.ts';
import type { DohRequest } from '../../../edge/dns/doh-transport.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { FakeDoh } from '../dns/fake-doh.ts';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? (server.closeAllConnections(), server.close(() => resolve())) : resolve())));

interface Served {
  endpoint: URL;
  connections: () => number;
  /** Each request as the server saw it: method, path, accept, content type, body length. */
  seen: string[];
}

/** A loopback DoH stand-in: `handle` answers each request; counts connections and requests. */
async function serve(handle: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void): Promise<Served> {
  let connections = 0;
  const seen: string[] = [];
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    seen.push(`${req.method} ${req.url} ${req.headers.accept} ${req.headers['content-type'] ?? '-'} ${body.length}`);
    handle(req, res, body);
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { endpoint: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/dns-query`), connections: () => connections, seen };
}

/** Turns of the event loop until `done` holds: the server's side of the socket is on the same loop. */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setImmediate(resolve));
}

const wire = (size: number) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/dns-message; charset=binary' });
  res.end(Buffer.alloc(size, 7));
};

const get = (endpoint: URL, query = 'dns=AAAB'): DohRequest => ({ endpoint, query, method: 'GET', accept: 'application/dns-message', reads: ['application/dns-message'] });

describe('nodeDohTransport', () => {
  it('answers status, media type and body, one question after another on one kept connection', async () => {
    const { endpoint, connections, seen } = await serve(wire(40));
    const transport = nodeDohTransport();
    for (let i = 0; i < 3; i++) {
      const got = await transport(get(endpoint), 1024).answer;
      expect(got).toMatchObject({ ok: true, status: 200, mediaType: 'application/dns-message' });
      expect(got.ok && got.body?.byteLength).toBe(40);
    }
    expect(connections()).toBe(1);
    expect(seen).toEqual(Array(3).fill('GET /dns-query?dns=AAAB application/dns-message - 0'));
  });

  it('adds the question after a query the endpoint has of its own', async () => {
    const { endpoint, seen } = await serve(wire(4));
    endpoint.search = '?ct=x';
    await nodeDohTransport()(get(endpoint), 1024).answer;
    expect(seen).toEqual(['GET /dns-query?ct=x&dns=AAAB application/dns-message - 0']);
  });

  it('posts the query as application/dns-message', async () => {
    const { endpoint, seen } = await serve(wire(4));
    const got = await nodeDohTransport()({ ...get(endpoint, ''), method: 'POST', body: new Uint8Array(29) }, 1024).answer;
    expect(got.ok).toBe(true);
    expect(seen).toEqual(['POST /dns-query application/dns-message application/dns-message 29']);
  });

  it('refuses a body that declares more than the limit, and one that runs past it undeclared', async () => {
    const declared = await serve((_req, res) => res.writeHead(200, { 'content-type': 'application/dns-message', 'content-length': 200_000 }).end(Buffer.alloc(200_000)));
    expect(await nodeDohTransport()(get(declared.endpoint), 1024).answer).toMatchObject({ ok: false, reason: 'too_large', detail: 'declares 200000 bytes' });
    await new Promise<void>((resolve) => (server!.closeAllConnections(), server!.close(() => resolve())));
    const chunked = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/dns-message' });
      for (let i = 0; i < 100; i++) res.write(Buffer.alloc(2000, 7));
      res.end();
    });
    expect(await nodeDohTransport()(get(chunked.endpoint), 1024).answer).toMatchObject({ ok: false, reason: 'too_large', detail: 'more than 1024 bytes' });
  });

  it('reports a non-200 answer without its body, and keeps the connection for the next question', async () => {
    let n = 0;
    const { endpoint, connections } = await serve((req, res) => (n++ === 0 ? res.writeHead(500, { 'content-type': 'text/plain' }).end('no') : wire(12)(req, res)));
    const transport = nodeDohTransport();
    expect(await transport(get(endpoint), 1024).answer).toEqual({ ok: true, status: 500, mediaType: 'text/plain', body: null });
    const next = await transport(get(endpoint), 1024).answer;
    expect(next.ok && next.body?.byteLength).toBe(12);
    expect(connections()).toBe(1);
  });

  it('reports a 200 of a media type the request does not read without its body', async () => {
    const { endpoint } = await serve((_req, res) => res.writeHead(200, { 'content-type': 'Text/HTML; charset=utf-8' }).end('<html>'));
    expect(await nodeDohTransport()(get(endpoint), 1024).answer).toEqual({ ok: true, status: 200, mediaType: 'text/html', body: null });
  });

  it('answers aborted when the question is given up while its body comes, or before it is sent', async () => {
    let writing = 0;
    const { endpoint } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/dns-message' });
      res.write(Buffer.alloc(10), () => writing++);
    });
    const transport = nodeDohTransport();
    const sent = transport(get(endpoint), 1024);
    await until(() => writing === 1);
    sent.cancel();
    expect(await sent.answer).toMatchObject({ ok: false, reason: 'aborted' });
    const given = transport(get(endpoint), 1024);
    given.cancel();
    expect(await given.answer).toMatchObject({ ok: false, reason: 'aborted' });
  });

  it('answers network when nothing listens or the answer is cut short', async () => {
    const { endpoint } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/dns-message', 'content-length': 100 });
      res.write(Buffer.alloc(10));
      setImmediate(() => res.destroy());
    });
    expect(await nodeDohTransport()(get(endpoint), 1024).answer).toMatchObject({ ok: false, reason: 'network' });
    await new Promise<void>((resolve) => (server!.closeAllConnections(), server!.close(() => resolve())));
    server = undefined;
    expect(await nodeDohTransport()(get(endpoint), 1024).answer).toMatchObject({ ok: false, reason: 'network' });
  });

  it('carries the client to a JSON-only endpoint: a refused wire query, then JSON, remembered', async () => {
    const doh = new FakeDoh([{ name: 'world.test', type: 'MX', value: '10 mx1.world.test' }, { name: 'mx1.world.test', type: 'A', value: '127.0.0.20' }]);
    const { endpoint, seen } = await serve(async (req, res, body) => {
      const init: RequestInit = { method: req.method ?? 'GET', headers: { accept: req.headers.accept ?? '' }, ...(body.length ? { body: new Uint8Array(body) } : {}) };
      const answer = await doh.fetch(`${endpoint.origin}${req.url}`, init);
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? '' });
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
    doh.behaviour[`${endpoint.origin}${endpoint.pathname}`] = 'json-only';
    const client = createDohClient({ endpoints: [endpoint.href], transport: nodeDohTransport(), clock: new FakeClock() });
    const mx = await client.query({ name: 'world.test', type: 'MX' });
    expect(mx.ok && mx.answer.answers.map((r) => r.data)).toEqual(['10 mx1.world.test']);
    const a = await client.query({ name: 'mx1.world.test', type: 'A' });
    expect(a.ok && a.answer.answers.map((r) => r.data)).toEqual(['127.0.0.20']);
    expect(seen.map((s) => s.split(' ').slice(0, 2).join(' ').replace(/dns=[^&\s]+/, 'dns=…'))).toEqual([
      'GET /dns-query?dns=…',
      'GET /dns-query?name=world.test&type=MX',
      'GET /dns-query?name=mx1.world.test&type=A',
    ]);
  });

  it('lets the client give a hanging request up, at its timeout and at its lifetime end, and close its connection', async () => {
    let closed = 0;
    const { endpoint, seen } = await serve((req) => req.socket.on('close', () => closed++));
    const clock = new FakeClock();
    const closing = new AbortController();
    const client = createDohClient({ endpoints: [endpoint.href], transport: nodeDohTransport(), clock, signal: closing.signal, timeoutMs: 500 });
    const timedOut = client.query({ name: 'a.test', type: 'MX' });
    await until(() => seen.length === 1);
    await clock.advance(500);
    expect(await timedOut).toMatchObject({ ok: false, failure: { reason: 'timeout' } });
    const shutDown = client.query({ name: 'b.test', type: 'MX' });
    await until(() => seen.length === 2);
    closing.abort();
    expect(await shutDown).toMatchObject({ ok: false, failure: { reason: 'aborted' } });
    await until(() => closed === 2);
    expect(seen).toHaveLength(2);
  });

  it('lets go of a connection whose unwanted body stalls, so nothing keeps a stopping edge waiting', async () => {
    let closed = 0;
    const { endpoint } = await serve((_req, res) => {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.write('busy');
      res.on('close', () => closed++);
    });
    const transport = nodeDohTransport();
    const got = await transport(get(endpoint), 1024).answer;
    expect(got).toMatchObject({ ok: true, status: 503, body: null });
    await until(() => closed === 1);
  });

  it('sends credentials written in the endpoint URL as Basic auth', async () => {
    const auth: (string | undefined)[] = [];
    const { endpoint } = await serve((req, res) => {
      auth.push(req.headers.authorization);
      wire(12)(req, res);
    });
    const withCredentials = new URL(endpoint.href);
    withCredentials.username = 'bz';
    withCredentials.password = 's%C3%A9cret';
    const got = await nodeDohTransport()(get(withCredentials), 1024).answer;
    expect(got).toMatchObject({ ok: true, status: 200 });
    expect(auth).toEqual([`Basic ${Buffer.from('bz:sécret').toString('base64')}`]);
  });
});
