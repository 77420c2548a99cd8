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
  /**
   * Added (on top of delayMs) to every server chunk that carries a reply to RCPT: a server that
   * verifies each recipient by callout before answering. Read from the clear-text dialogue, so
   * only for servers that offer no STARTTLS.
   */
  rcptReplyDelayMs?: number;
}

export interface DelayProxy {
  host: string;
  port: number;
  /** TCP connections accepted so far. */
  connections: number;
  /** Most client connections open at the same time so far (a per-server concurrency check). */
  peakOpen: number;
  /** When (Date.now()) the first connection was accepted, if one was. */
  firstConnectionAt: number | undefined;
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
  const stats = { connections: 0, closed: 0, peakOpen: 0, firstConnectionAt: undefined as number | undefined, clientChunks: 0, clientLines: [] as string[] };
  const onClosed: (() => void)[] = [];
  const server = createServer((client) => {
    stats.connections++;
    stats.firstConnectionAt ??= Date.now();
    stats.peakOpen = Math.max(stats.peakOpen, stats.connections - stats.closed);
    const upstream = connect(options.target);
    sockets.add(client).add(upstream);
    const clientText = lineSplitter();
    const serverText = lineSplitter();
    // What each coming reply answers, in order: the greeting, then the client's commands.
    const awaited = ['greeting'];
    pipe(client, upstream, delay, (chunk) => {
      stats.clientChunks++;
      const lines = clientText(chunk);
      stats.clientLines.push(...lines);
      awaited.push(...lines.map((l) => l.split(/[ :]/)[0]!.toUpperCase()));
      return delay;
    });
    pipe(upstream, client, delay, (chunk) => {
      const answered = serverText(chunk).filter(isLastReplyLine).map(() => awaited.shift());
      return delay + (options.rcptReplyDelayMs && answered.includes('RCPT') ? options.rcptReplyDelayMs : 0);
    });
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
    get firstConnectionAt() { return stats.firstConnectionAt; },
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

/** from → to, each chunk `delayOf(chunk)` ms (the end `endDelay` ms) later than it arrived, never before an earlier one. */
function pipe(from: Socket, to: Socket, endDelay: number, delayOf: (chunk: Buffer) => number): void {
  let queue = Promise.resolve();
  const later = (delay: number, fn: () => void) => {
    const due = Date.now() + delay;
    queue = queue.then(() => (due > Date.now() ? new Promise<void>((r) => setTimeout(r, due - Date.now())) : undefined)).then(fn);
  };
  from.on('data', (chunk: Buffer) => later(delayOf(chunk), () => !to.destroyed && to.write(chunk)));
  from.on('end', () => later(endDelay, () => to.end()));
  from.on('error', () => later(endDelay, () => to.destroy()));
  from.on('close', () => later(endDelay, () => to.destroy()));
}

/** Complete CRLF lines of a byte stream as latin1, chunk by chunk. */
function lineSplitter(): (chunk: Buffer) => string[] {
  let pending = '';
  return (chunk) => {
    pending += chunk.toString('latin1');
    const lines = pending.split('\r\n');
    pending = lines.pop() ?? '';
    return lines;
  };
}

/** The last line of an SMTP reply: `250 ok`, not the continuation `250-…`. */
function isLastReplyLine(line: string): boolean {
  return /^\d{3}(?: |$)/.test(line);
}
