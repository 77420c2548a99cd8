import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { dohFetch } from '../../../edge/adapters/doh-fetch-node.ts';
import { readBody } from '../../../edge/dns/read-body.ts';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A loopback DoH stand-in answering `size` bytes; counts the connections it was given. */
async function serve(size: number): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/dns-message' });
    res.end(Buffer.alloc(size, 7));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/dns-query?dns=AAAB`, connections: () => connections };
}

const GET = { method: 'GET', headers: { accept: 'application/dns-message' } };

describe('dohFetch (Node)', () => {
  it('answers status, headers and body, and asks one question after another on one kept connection', async () => {
    const { url, connections } = await serve(40);
    const fetch = dohFetch(1024);
    for (let i = 0; i < 3; i++) {
      const res = await fetch(url, { ...GET, signal: new AbortController().signal });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/dns-message');
      const body = await readBody(res, 1024, new AbortController().signal);
      expect(body.ok && body.bytes.byteLength).toBe(40);
    }
    expect(connections()).toBe(1);
  });

  it('stops reading past the limit, so the exchange refuses the answer as too large', async () => {
    const { url } = await serve(200_000);
    const res = await dohFetch(1024)(url, { ...GET, signal: new AbortController().signal });
    const body = await readBody(res, 1024, new AbortController().signal);
    expect(body.ok).toBe(false);
    expect(!body.ok && body.reason).toBe('too_large');
  });

  it('rejects when the question is given up', async () => {
    const { url } = await serve(40);
    const controller = new AbortController();
    controller.abort();
    await expect(dohFetch(1024)(url, { ...GET, signal: controller.signal })).rejects.toThrow();
  });
});
