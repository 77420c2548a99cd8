/**
 * A user-space TCP proxy on loopback that adds latency (the kernel here has no netem): every
 * chunk waits `delayMs` in its direction's queue, order preserved. It also counts what passes,
 * so tests can check connections and command lines independently of the client's own stats.
 */
import { createServer, connect, type Socket } from 'node:net';

export interface DelayProxyOptions {
  target: { host: string; port: number };
  listen?: { host: string; port: number };
  /** Added to every chunk, in each direction. */
  delayMs?: number;
}

export interface DelayProxy {
  host: string;
  port: number;
  /** TCP connections accepted so far. */
  connections: number;
  /** Most client connections open at the same time so far (a per-server concurrency check). */
  peakOpen: number;
  /** Chunks the clients wrote (one per client write on loopback, in practice). */
  clientChunks: number;
  /** CRLF-terminated lines the clients sent, decoded as latin1 (useless once TLS starts). */
  clientLines: string[];
  /** Resolves once every connection accepted so far has closed (so a fire-and-forget QUIT has passed). */
  drained(): Promise<void>;
  close(): Promise<void>;
}

export async function startDelayProxy(options: DelayProxyOptions): Promise<DelayProxy> {
  const delay = options.delayMs ?? 0;
  const sockets = new Set<Socket>();
  const stats = { connections: 0, closed: 0, peakOpen: 0, clientChunks: 0, clientLines: [] as string[] };
  const onClosed: (() => void)[] = [];
  const server = createServer((client) => {
    stats.connections++;
    stats.peakOpen = Math.max(stats.peakOpen, stats.connections - stats.closed);
    const upstream = connect(options.target);
    sockets.add(client).add(upstream);
    let pending = '';
    pipe(client, upstream, delay, (chunk) => {
      stats.clientChunks++;
      pending += chunk.toString('latin1');
      const lines = pending.split('\r\n');
      pending = lines.pop() ?? '';
      stats.clientLines.push(...lines);
    });
    pipe(upstream, client, delay);
    for (const s of [client, upstream]) s.on('close', () => sockets.delete(s));
    client.on('close', () => {
      stats.closed++;
      for (const fn of onClosed.splice(0)) fn();
    });
  });
  const listen = options.listen ?? { host: '127.0.0.1', port: 0 };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no address');
  return {
    host: address.address,
    port: address.port,
    get connections() { return stats.connections; },
    get peakOpen() { return stats.peakOpen; },
    get clientChunks() { return stats.clientChunks; },
    get clientLines() { return stats.clientLines; },
    drained: async () => {
      while (stats.closed < stats.connections) await new Promise<void>((r) => onClosed.push(r));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** from → to, each chunk (and the end) `delay` ms later than it arrived; same delay keeps the order. */
function pipe(from: Socket, to: Socket, delay: number, tap?: (chunk: Buffer) => void): void {
  const later = (fn: () => void) => (delay > 0 ? setTimeout(fn, delay) : fn());
  from.on('data', (chunk: Buffer) => {
    tap?.(chunk);
    later(() => !to.destroyed && to.write(chunk));
  });
  from.on('end', () => later(() => to.end()));
  from.on('error', () => later(() => to.destroy()));
  from.on('close', () => later(() => to.destroy()));
}
