import { afterEach, describe, expect, it } from 'vitest';
import type { EdgeServer } from '../../../edge/adapters/node-server.ts';
import { PREAUTH_BYTE_BUDGET } from '../../../edge/dispatch/preauth-budget.ts';
import { deriveAgentKey, signChallenge } from '../../../protocol/agent-auth.ts';
import { PROTOCOL_VERSION } from '../../../protocol/index.ts';
import { MemoryAgentStore, addAgent, randomHex } from '../../unit/dispatch/hub-harness.ts';
import { clientFrame, rawUpgrade } from '../../support/raw-websocket.ts';
import { eventually, rawClient, startTestEdge } from './edge-harness.ts';

let edge: EdgeServer | undefined;
afterEach(async () => {
  await edge?.close();
  edge = undefined;
});

const MiB = 1024 * 1024;

async function healthy(url: string): Promise<boolean> {
  const res = await fetch(`${url}/v1/health`);
  return res.status === 200 && ((await res.json()) as { ok: boolean }).ok;
}

async function authenticated(url: string, id: string, secret: string) {
  const client = rawClient(url);
  const { nonce } = await client.next('challenge');
  const ts = Date.now();
  client.send({ type: 'auth', v: PROTOCOL_VERSION, agent_id: id, ts, sig: await signChallenge(await deriveAgentKey(secret), nonce, id, ts), capacity: 1, plugins: [], hostname: 'raw' });
  await client.next('ready');
  return client;
}

describe('the agent endpoint outlives hostile bytes', () => {
  const hostile: [string, () => Buffer][] = [
    ['an unmasked client frame', () => Buffer.from([0x81, 0x02, 0x68, 0x69])],
    ['a reserved opcode', () => clientFrame(0x3, Buffer.from('hi'))],
    ['invalid UTF-8 in a text frame', () => clientFrame(0x1, Buffer.from([0xff, 0xfe, 0xfd]))],
    ['a header announcing 9 MiB', () => clientFrame(0x2, Buffer.alloc(0), { announcedLength: 9 * MiB })],
    ['a well-formed 9 MiB message', () => clientFrame(0x1, Buffer.alloc(9 * MiB, 0x61))],
  ];
  for (const [what, bytes] of hostile) {
    it(`drops the socket on ${what} and keeps answering`, async () => {
      const logs: string[] = [];
      edge = await startTestEdge(new MemoryAgentStore(), {}, logs);
      const raw = await rawUpgrade(edge.agentUrl);
      expect(raw.status).toContain('101');
      raw.socket.write(bytes());
      await raw.closed;
      expect(await healthy(edge.url)).toBe(true);
      expect(logs.some((l) => /agent_socket_error|preauth_bytes_exceeded/.test(l))).toBe(true);
    });
  }

  it('holds an unauthenticated socket to a small byte budget, and lifts it once the agent is verified', async () => {
    const store = new MemoryAgentStore();
    const secret = randomHex(32);
    await addAgent(store, 'a1', secret);
    const logs: string[] = [];
    edge = await startTestEdge(store, {}, logs);
    const stranger = await rawUpgrade(edge.agentUrl);
    stranger.socket.write(clientFrame(0x1, Buffer.alloc(PREAUTH_BYTE_BUDGET, 0x20)));
    await stranger.closed;
    expect(logs.filter((l) => l.includes('preauth_bytes_exceeded'))).toHaveLength(1);

    const agent = await authenticated(edge.agentUrl, 'a1', secret);
    // A padded heartbeat well past the pre-auth budget is an ordinary frame once verified.
    agent.send(`{"type":"heartbeat","v":${PROTOCOL_VERSION}}${' '.repeat(8 * PREAUTH_BYTE_BUDGET)}`);
    agent.send({ type: 'heartbeat', v: PROTOCOL_VERSION });
    await new Promise((r) => setTimeout(r, 50));
    expect(edge.hub.agents()).toHaveLength(1);
    // Past the protocol's own frame cap even a verified agent is cut, and the edge stays up.
    agent.send('x'.repeat(9 * MiB));
    expect((await agent.closed).code).toBe(1009);
    expect(await healthy(edge.url)).toBe(true);
    await eventually(() => edge!.hub.agents().length === 0, 'the agent forgotten');
  });

  it('caps unauthenticated sockets per client address and in total; a verified or closed socket frees its seat', async () => {
    const store = new MemoryAgentStore();
    const secret = randomHex(32);
    await addAgent(store, 'a1', secret);
    edge = await startTestEdge(store, { preauthLimits: { perAddress: 2, total: 3 }, hub: { authTimeoutMs: 60_000, heartbeatMs: 1_000, log: () => {} } });
    const first = await rawUpgrade(edge.agentUrl);
    const agent = await authenticated(edge.agentUrl, 'a1', secret);
    const second = await rawUpgrade(edge.agentUrl);
    const third = await rawUpgrade(edge.agentUrl);
    expect([first, second, third].map((s) => s.status.split(' ')[1])).toEqual(['101', '101', '429']);
    const other = await rawUpgrade(edge.agentUrl, { localAddress: '127.0.0.2' });
    expect(other.status).toContain('101');
    const fourth = await rawUpgrade(edge.agentUrl, { localAddress: '127.0.0.3' });
    expect(fourth.status).toContain('503');

    first.socket.destroy();
    let again = await rawUpgrade(edge.agentUrl);
    for (let i = 0; i < 100 && !again.status.includes('101'); i++) {
      await new Promise((r) => setTimeout(r, 10));
      again = await rawUpgrade(edge.agentUrl);
    }
    expect(again.status).toContain('101');
    agent.ws.close();
    for (const s of [second, third, other, fourth, again]) s.socket.destroy();
  });

  it('refuses a browser page from another site but not the edge\'s own page or a prober (no Origin)', async () => {
    edge = await startTestEdge(new MemoryAgentStore());
    const host = new URL(edge.url).host;
    expect((await rawUpgrade(edge.agentUrl, { origin: 'https://evil.example' })).status).toContain('403');
    expect((await rawUpgrade(edge.agentUrl, { origin: 'null' })).status).toContain('403');
    expect((await rawUpgrade(edge.agentUrl, { origin: `http://${host}` })).status).toContain('101');
    expect((await rawUpgrade(edge.agentUrl)).status).toContain('101');
  });

  it('writes a burst of refusal lines, then one line counting the rest', async () => {
    const logs: string[] = [];
    edge = await startTestEdge(new MemoryAgentStore(), {}, logs);
    for (let i = 0; i < 60; i++) (await rawUpgrade(edge.agentUrl, { origin: 'https://evil.example' })).socket.destroy();
    const refused = logs.filter((l) => l.includes('foreign_origin'));
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.length).toBeLessThanOrEqual(20);
    await edge.close();
    edge = undefined;
    const summary = logs.map((l) => JSON.parse(l) as { e: string; count?: number }).find((l) => l.e === 'log_suppressed');
    expect(summary?.count).toBe(60 - refused.length);
  });
});
