import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { socketConnection } from '../../../prober/adapters/socket-connection.ts';
import { FakeClock } from '../../support/fake-clock.ts';

const servers: Server[] = [];
const sockets: Socket[] = [];
async function pair(onServerSide: (socket: Socket) => void): Promise<Socket> {
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    onServerSide(socket);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const client = connect((server.address() as { port: number }).port, '127.0.0.1');
  await new Promise((r) => client.once('connect', r));
  return client;
}
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const tick = () => new Promise((r) => setImmediate(r));

describe('socketConnection', () => {
  it('keeps early bytes and the end until the session listens, in order', async () => {
    const client = await pair((s) => s.end('220 one\r\n'));
    const connection = socketConnection(client, '127.0.0.1', { initial: new TextEncoder().encode('220 zero\r\n') });
    while (!client.readableEnded) await tick();
    const events: string[] = [];
    connection.onEnd((error) => events.push(`end ${error?.message ?? ''}`));
    connection.onData((chunk) => events.push(Buffer.from(chunk).toString()));
    while (events.length < 3) await tick();
    expect(events).toEqual(['220 zero\r\n', '220 one\r\n', 'end ']);
  });

  it('reports a reset connection once, with its error', async () => {
    const client = await pair((s) => s.once('data', () => s.resetAndDestroy()));
    const connection = socketConnection(client, '127.0.0.1');
    const ends: (Error | undefined)[] = [];
    connection.onData(() => {});
    connection.onEnd((error) => ends.push(error));
    connection.write(new TextEncoder().encode('EHLO x\r\n'));
    while (ends.length === 0) await tick();
    await tick();
    expect(ends).toHaveLength(1);
    expect(ends[0]?.message).toMatch(/ECONNRESET/);
  });

  it('fails STARTTLS cleanly on a plaintext answer, which the old listener never sees', async () => {
    let serverSide: Socket | undefined;
    const client = await pair((s) => {
      serverSide = s;
      s.write('220 go\r\n');
    });
    const connection = socketConnection(client, '127.0.0.1');
    const seen: string[] = [];
    connection.onData((c) => seen.push(Buffer.from(c).toString()));
    while (seen.length === 0) await tick();
    const pending = connection.startTls('mx.test', { timeoutMs: 5000 });
    serverSide!.end('250 not a TLS record\r\n');
    const out = await pending;
    expect(out.ok ? 'ok' : out.failure).toBe('tls_failed');
    expect(seen).toEqual(['220 go\r\n']);
  });

  it('times the handshake out on the injected clock', async () => {
    const client = await pair(() => {});
    const clock = new FakeClock();
    const connection = socketConnection(client, '127.0.0.1', { clock });
    const pending = connection.startTls('mx.test', { timeoutMs: 1000 });
    await clock.advance(999);
    expect(clock.pending).toBe(1);
    await clock.advance(1);
    const out = await pending;
    expect(out.ok ? 'ok' : out.failure).toBe('timeout');
    expect(client.destroyed).toBe(true);
  });

  it('refuses STARTTLS on a closed connection', async () => {
    const client = await pair(() => {});
    const connection = socketConnection(client, '127.0.0.1');
    connection.onData(() => {});
    const ended = new Promise((r) => connection.onEnd(r));
    connection.close();
    await ended;
    const out = await connection.startTls('mx.test', { timeoutMs: 1000 });
    expect(out.ok ? 'ok' : out.failure).toBe('tls_failed');
  });
});
