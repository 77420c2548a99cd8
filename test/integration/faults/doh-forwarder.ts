/** A loopback HTTP forwarder in front of the world's dnsdist, so a test can kill "the DoH server". */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { DNS } from '../../world/world.ts';

export interface DohForwarder {
  url: string;
  requests: number;
  /** Requests answered from upstream so far. */
  answered: number;
  /** Stops listening and cuts every open connection: the DoH endpoint is gone. */
  kill(): Promise<void>;
}

/** `spacingMs` answers one request at a time, that far apart: a job's lookups then spread over time. */
export async function startDohForwarder(spacingMs = 0): Promise<DohForwarder> {
  const state = { requests: 0, answered: 0 };
  let queue = Promise.resolve();
  const sockets = new Set<Socket>();
  const server: Server = createServer(async (req, res) => {
    state.requests++;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const turn = queue.then(() => new Promise<void>((r) => setTimeout(r, spacingMs)));
    queue = turn;
    await turn;
    try {
      const upstream = await fetch(new URL(req.url ?? '/', DNS.doh), {
        method: req.method,
        headers: { accept: 'application/dns-message', ...(req.headers['content-type'] ? { 'content-type': req.headers['content-type'] } : {}) },
        ...(req.method === 'POST' ? { body: Buffer.concat(chunks) } : {}),
      });
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/dns-message' });
      res.end(Buffer.from(await upstream.arrayBuffer()));
      state.answered++;
    } catch {
      res.writeHead(502).end();
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/dns-query`,
    get requests() { return state.requests; },
    get answered() { return state.answered; },
    kill: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
