/**
 * A user-space TCP proxy on loopback that adds latency (the kernel here has no netem): every
 * chunk waits `delayMs` in its direction's queue, order preserved. It also counts what passes,
 * so tests can check connections and command lines independently of the client's own stats.
 */
import { createServer, connect, type Socket } from 'node:net';
import { tooManyConnectionsReply } from '../world/world.ts';

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
  /** Keep clientLines (default true); off, the proxy reads no line of the dialogue unless rcptReplyDelayMs needs it. */
  clientLines?: boolean;
  /**
   * Sessions let through at once: one more is turned away at its banner, in Postfix's words
   * when its `smtpd_client_connection_count_limit` bites, and closed (counted in turnedAway).
   */
  maxOpen?: number;
  /**
   * Sessions begun in any minute: one more is turned away the same way, as Postfix's
   * `smtpd_client_connection_rate_limit` does (turned-away ones count, as anvil counts them).
   */
  maxPerMinute?: number;
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
  /** Connections turned away at the banner because maxOpen were open, or maxPerMinute begun. */
  turnedAway: number;
  /** Chunks the clients wrote (one per client write on loopback, in practice). */
  clientChunks: number;
  /** CRLF-terminated lines the clients sent, decoded as latin1, up to and including STARTTLS (then the bytes are TLS). */
  clientLines: string[];
  /** Resolves once every connection accepted so far has closed (so a fire-and-forget QUIT has passed). */
  drained(): Promise<void>;
  close(): Promise<void>;
}

export async function startDelayProxy(options: DelayProxyOptions): Promise<DelayProxy> {
  const delay = options.delayMs ?? 0;
  const rcptDelay = options.rcptReplyDelayMs ?? 0;
  const keepLines = options.clientLines ?? true;
  const sockets = new Set<Socket>();
  const stats = { connections: 0, closed: 0, peakOpen: 0, turnedAway: 0, firstConnectionAt: undefined as number | undefined, clientChunks: 0, clientLines: [] as string[] };
  const onClosed: (() => void)[] = [];
  const begun: number[] = [];
  const server = createServer((client) => {
    stats.connections++;
    stats.firstConnectionAt ??= Date.now();
    const now = Date.now();
    begun.push(now);
    while (begun[0]! <= now - 60_000) begun.shift();
    const crowded = options.maxOpen !== undefined && stats.connections - 1 - stats.closed - stats.turnedAway >= options.maxOpen;
    if (crowded || (options.maxPerMinute !== undefined && begun.length > options.maxPerMinute)) {
      stats.turnedAway++;
      client.on('error', () => {});
      setTimeout(() => client.end(`${tooManyConnectionsReply('mx.proxy.test', '127.0.0.1')}\r\n`), delay);
      return;
    }
    stats.peakOpen = Math.max(stats.peakOpen, stats.connections - stats.closed - stats.turnedAway);
    const upstream = connect(options.target);
    sockets.add(client).add(upstream);
    // Lines are read only while they mean something: until the client's STARTTLS, and only
    // for a caller that keeps them or delays RCPT replies (reading costs the bench's world CPU).
    let clear = keepLines || rcptDelay > 0;
    const clientText = lineSplitter();
    const serverText = lineSplitter();
    // What each coming reply answers, in order: the greeting, then the client's commands.
    const awaited = ['greeting'];
    pipe(client, upstream, delay, (chunk) => {
      stats.clientChunks++;
      if (!clear) return delay;
      for (const line of clientText(chunk)) {
        if (keepLines) stats.clientLines.push(line);
        const verb = line.split(/[ :]/)[0]!.toUpperCase();
        awaited.push(verb);
        if (verb === 'STARTTLS') clear = false;
      }
      return delay;
    });
    pipe(upstream, client, delay, (chunk) => {
      if (!clear || rcptDelay === 0) return delay;
      const answered = serverText(chunk).filter(isLastReplyLine).map(() => awaited.shift());
      return delay + (answered.includes('RCPT') ? rcptDelay : 0);
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
    get turnedAway() { return stats.turnedAway; },
    get firstConnectionAt() { return stats.firstConnectionAt; },
    get clientChunks() { return stats.clientChunks; },
    get clientLines() { return stats.clientLines; },
    drained: async () => {
      while (stats.closed + stats.turnedAway < stats.connections) await new Promise<void>((r) => onClosed.push(r));
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
  // One queue and at most one timer per direction, not a promise chain and a timer per chunk:
  // the bench's world runs hundreds of these on the cores it measures.
  const queue: { due: number; run: () => void }[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0 && queue[0]!.due <= now) queue.shift()!.run();
    if (queue.length > 0) timer = setTimeout(flush, Math.ceil(queue[0]!.due - now));
  };
  const later = (delay: number, run: () => void) => {
    queue.push({ due: performance.now() + delay, run });
    if (timer === undefined) flush();
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
