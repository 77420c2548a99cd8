import { afterEach, describe, expect, it } from 'vitest';
import { tcpListeners } from '../../support/tcp-listeners.ts';
import { createDialerFromEnv } from '../../../prober/adapters/dialer-from-env.ts';

const tcp = tcpListeners();
const listen = tcp.listen;
afterEach(() => tcp.closeAll());

/** A proxy that counts its clients and answers every handshake with success. */
async function countingProxy(): Promise<{ port: number; clients: () => number }> {
  let clients = 0;
  const port = await listen((socket) => {
    clients++;
    let stage = 0;
    socket.on('data', () => {
      socket.write(stage++ === 0 ? Buffer.from([5, 0]) : Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 25]));
    });
  });
  return { port, clients: () => clients };
}

describe('createDialerFromEnv', () => {
  it('dials through BZ_SOCKS5 when it is set', async () => {
    const proxy = await countingProxy();
    const out = await createDialerFromEnv({ BZ_SOCKS5: `socks5://127.0.0.1:${proxy.port}` }).dial('127.0.0.1', 9, { timeoutMs: 5000 });
    expect(out.ok).toBe(true);
    expect(proxy.clients()).toBe(1);
    if (out.ok) out.connection.close();
  });

  it('dials direct when BZ_SOCKS5 is unset or blank', async () => {
    const proxy = await countingProxy();
    let direct = 0;
    const target = await listen(() => direct++);
    for (const env of [{}, { BZ_SOCKS5: '  ' }]) {
      const out = await createDialerFromEnv(env).dial('127.0.0.1', target, { timeoutMs: 5000 });
      expect(out.ok).toBe(true);
      if (out.ok) out.connection.close();
    }
    while (direct < 2) await new Promise((r) => setImmediate(r));
    expect([direct, proxy.clients()]).toEqual([2, 0]);
  });

  it('refuses an unusable BZ_SOCKS5 instead of dialing direct', () => {
    expect(() => createDialerFromEnv({ BZ_SOCKS5: 'http://user:hunter2@proxy:3128' })).toThrow(/BZ_SOCKS5 has scheme/);
    expect(() => createDialerFromEnv({ BZ_SOCKS5: 'http://user:hunter2@proxy:3128' })).not.toThrow(/hunter2/);
  });
});
