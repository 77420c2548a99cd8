/**
 * The bench's delaying, counting proxy (test/support/delay-proxy.ts) in front of a scripted
 * line server on loopback: what it delays, in what order, and what it counts.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startDelayProxy, type DelayProxy, type DelayProxyOptions } from '../../support/delay-proxy.ts';
import { tcpListeners } from '../../support/tcp-listeners.ts';

const listeners = tcpListeners();
const proxies: DelayProxy[] = [];
afterEach(async () => {
  for (const p of proxies.splice(0)) await p.close();
  await listeners.closeAll();
});

/**
 * Greets, then answers each line `250 <line>` in a write of its own; a line `NOOP` is answered
 * 5 ms later, so it leaves after (and apart from) a reply written before it.
 */
async function lineServer(): Promise<number> {
  return listeners.listen((socket) => {
    socket.write('220 ready\r\n');
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      const lines = pending.split('\r\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (line === 'NOOP') setTimeout(() => socket.write(`250 ${line}\r\n`), 5);
        else socket.write(`250 ${line}\r\n`);
      }
    });
  });
}

async function proxied(options: Omit<DelayProxyOptions, 'target'>): Promise<{ proxy: DelayProxy; client: Socket; replies: string[]; next(): Promise<string> }> {
  const proxy = await startDelayProxy({ target: { host: '127.0.0.1', port: await lineServer() }, ...options });
  proxies.push(proxy);
  const client = connect(proxy.port, proxy.host);
  const replies: string[] = [];
  const waiting: (() => void)[] = [];
  let pending = '';
  client.on('data', (chunk: Buffer) => {
    pending += chunk.toString('latin1');
    const lines = pending.split('\r\n');
    pending = lines.pop()!;
    replies.push(...lines);
    for (const fn of waiting.splice(0)) fn();
  });
  let read = 0;
  const next = async () => {
    while (replies.length <= read) await new Promise<void>((r) => waiting.push(r));
    return replies[read++]!;
  };
  return { proxy, client, replies, next };
}

describe('delay proxy', () => {
  it('delays every chunk each way by at least delayMs and counts the client\'s writes and lines', async () => {
    const delayMs = 30;
    const connecting = performance.now();
    const { proxy, client, next } = await proxied({ delayMs });
    expect(await next()).toBe('220 ready');
    expect(performance.now() - connecting).toBeGreaterThanOrEqual(delayMs);
    for (const command of ['EHLO me', 'MAIL FROM:<a@b.test>']) {
      const sent = performance.now();
      client.write(`${command}\r\n`);
      expect(await next()).toBe(`250 ${command}`);
      expect(performance.now() - sent).toBeGreaterThanOrEqual(2 * delayMs);
    }
    client.end();
    await proxy.drained();
    expect([proxy.connections, proxy.clientChunks, proxy.peakOpen]).toEqual([1, 2, 1]);
    expect(proxy.clientLines).toEqual(['EHLO me', 'MAIL FROM:<a@b.test>']);
  });

  it('a reply held back for RCPT keeps the replies after it behind it', async () => {
    const delayMs = 10;
    const rcptReplyDelayMs = 40;
    const { proxy, client, next, replies } = await proxied({ delayMs, rcptReplyDelayMs });
    await next();
    const sent = performance.now();
    // Pipelined: the RCPT reply is delayed 50 ms, the NOOP reply (written 5 ms later) only 10.
    client.write('RCPT TO:<a@b.test>\r\nNOOP\r\n');
    await next();
    await next();
    expect(performance.now() - sent).toBeGreaterThanOrEqual(2 * delayMs + rcptReplyDelayMs);
    expect(replies).toEqual(['220 ready', '250 RCPT TO:<a@b.test>', '250 NOOP']);
    expect(proxy.clientLines).toEqual(['RCPT TO:<a@b.test>', 'NOOP']);
  });

  it('many quick chunks come out in the order they went in', async () => {
    const { client, next, replies } = await proxied({ delayMs: 5 });
    await next();
    const commands = Array.from({ length: 50 }, (_, i) => `C${i}`);
    for (const c of commands) {
      client.write(`${c}\r\n`);
      await new Promise((r) => setImmediate(r));
    }
    for (const _ of commands) await next();
    expect(replies.slice(1)).toEqual(commands.map((c) => `250 ${c}`));
  });

  it('reads no line after STARTTLS, nor any with clientLines off; chunks are counted either way', async () => {
    for (const clientLines of [true, false]) {
      const { proxy, client, next } = await proxied({ clientLines });
      await next();
      for (const command of ['EHLO me', 'STARTTLS', '\x16\x03\x01 not a line\r\nnor this']) {
        client.write(`${command}\r\n`);
        await next();
      }
      client.end();
      await proxy.drained();
      expect(proxy.clientChunks).toBe(3);
      expect(proxy.clientLines).toEqual(clientLines ? ['EHLO me', 'STARTTLS'] : []);
    }
  });
});
