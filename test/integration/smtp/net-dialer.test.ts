/** The node:net / node:tls Dialer over real loopback sockets, against a small scripted server. */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { cidr } from '../../../net/cidr.ts';
import { createNetDialer } from '../../../prober/adapters/net-dialer.ts';
import { createTaskRunner } from '../../../prober/engine/create-task-runner.ts';
import { ProbeTask } from '../../../protocol/index.ts';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A plain-text MX that offers STARTTLS but answers the handshake with garbage. */
async function brokenTlsServer(): Promise<{ port: number; connections: () => number; lines: string[] }> {
  let connections = 0;
  const lines: string[] = [];
  server = createServer((socket) => {
    connections++;
    socket.write('220 broken.test ESMTP\r\n');
    let buf = '';
    socket.on('data', (chunk) => {
      buf += chunk.toString('latin1');
      for (let end = buf.indexOf('\r\n'); end >= 0; end = buf.indexOf('\r\n')) {
        const line = buf.slice(0, end);
        buf = buf.slice(end + 2);
        lines.push(line);
        if (line.startsWith('EHLO')) socket.write('250-broken.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n');
        else if (line === 'STARTTLS') socket.write('220 2.0.0 Ready to start TLS\r\nthis is not a TLS server hello\r\n');
        else if (line === 'QUIT') socket.end('221 2.0.0 Bye\r\n');
        else socket.write('250 2.0.0 Ok\r\n');
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { port: address.port, connections: () => connections, lines };
}

const task = (domain: string, address: string) =>
  ProbeTask.parse({
    id: 't', domain, deadline_ms: 20_000, catch_all: false,
    plan: { domain, rule: 'mx', ttl: 60, records: [], hosts: [{ host: `mx.${domain}`, preference: 10, addresses: [address] }] },
    addresses: [{ id: 'a', address: `alice@${domain}` }],
  });

describe('createNetDialer', () => {
  it('a failed TLS handshake: the runner reconnects in clear once, and does not try TLS there again', async () => {
    const mx = await brokenTlsServer();
    // sessionIdleMs 0: each task dials afresh, so the reconnect and the TLS memory are what is counted.
    const run = createTaskRunner({ dialer: createNetDialer(), heloName: 'prober.world.test', mailFrom: 'v@prober.world.test', port: mx.port, allowNets: [cidr('127.0.0.0/8')], sessionIdleMs: 0 });
    const first = await run(task('broken.test', '127.0.0.1'));
    expect(first.results[0]!.smtp).toMatchObject({ outcome: 'accepted', tls: false });
    expect(mx.connections()).toBe(2);
    const second = await run(task('broken.test', '127.0.0.1'));
    expect(second.results[0]!.smtp).toMatchObject({ outcome: 'accepted', tls: false });
    expect(mx.connections()).toBe(3);
    expect(mx.lines.filter((l) => l === 'STARTTLS')).toHaveLength(1);
  });

  it('reports a refused connection as a value', async () => {
    const mx = await brokenTlsServer();
    await new Promise<void>((r) => server!.close(() => r()));
    server = undefined;
    const out = await createNetDialer().dial('127.0.0.1', mx.port, { timeoutMs: 2_000 });
    expect(out).toMatchObject({ ok: false, failure: 'refused' });
  });
});
