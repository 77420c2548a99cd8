import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { EdgeServer } from '../../../edge/adapters/node-server.ts';
import { portTextSocket } from '../../../net/port-socket-node.ts';
import { portConnectEdge } from '../../../prober/adapters/port-client-node.ts';
import { CLOSE } from '../../../protocol/index.ts';
import { EXIT_REVOKED } from '../../../prober/agent/agent.ts';
import { MemoryAgentStore, addAgent, randomHex, task } from '../../unit/dispatch/hub-harness.ts';
import { eventually, scriptedRunner, startAgent, startTestEdge } from './edge-harness.ts';

let edge: EdgeServer | undefined;
afterEach(async () => {
  await edge?.close();
  edge = undefined;
});

/** The embedded prober's link (`bouncezero start`): a MessagePort per connection, taken by edge.acceptPort. */
async function portAgent(id: string, secret: string, runner = scriptedRunner().runner) {
  const offered = { count: 0 };
  const server = edge!;
  const started = await startAgent(server, id, secret, runner, {
    connect: portConnectEdge((port) => {
      offered.count++;
      server.acceptPort(port);
    }),
  });
  return { ...started, offered };
}

describe('the edge agent endpoint over a MessagePort (the embedded prober)', () => {
  it('runs the same handshake and tasks, seen from 127.0.0.1, and drains as over a WebSocket', async () => {
    const store = new MemoryAgentStore();
    const secret = randomHex(32);
    await addAgent(store, 'a1', secret);
    const hubLogs: string[] = [];
    edge = await startTestEdge(store, {}, hubLogs);
    const { runner, ran } = scriptedRunner();
    const { agent, exit, logs, offered } = await portAgent('a1', secret, runner);
    await eventually(() => edge!.hub.healthyCount() === 1, 'agent ready');
    expect(await (await fetch(`${edge.url}/v1/health`)).json()).toMatchObject({ ok: true, agents: 1 });
    expect(edge.hub.agents()[0]?.observed_address).toBe('127.0.0.1');
    expect(hubLogs.some((l) => l.includes('"e":"agent_connected"') && l.includes('"address":"127.0.0.1"'))).toBe(true);
    expect(logs.some((l) => l.includes('"e":"edge_ready"') && l.includes('"observed_address":"127.0.0.1"'))).toBe(true);
    expect(await edge.hub.submit(task('t1'))).toMatchObject({ ok: true, agent_id: 'a1', result: { task_id: 't1' } });
    expect(ran.map((t) => t.id)).toEqual(['t1']);
    agent.drain();
    expect(await exit).toBe(0);
    await eventually(() => edge!.hub.agents().length === 0, 'the agent gone from the hub');
    expect(offered.count).toBe(1);
  });

  it('refuses a wrong key with the hub\'s close code, and a revoked agent exits as over a WebSocket', async () => {
    const store = new MemoryAgentStore();
    const secret = randomHex(32);
    await addAgent(store, 'a1', secret);
    edge = await startTestEdge(store);
    const wrong = await portAgent('a1', randomHex(32));
    await eventually(() => wrong.logs.some((l) => l.includes(`"code":${CLOSE.authFailed}`)), 'the refusal seen by the agent');
    wrong.agent.stop();
    await wrong.exit;

    const { exit, logs } = await portAgent('a1', secret);
    await eventually(() => edge!.hub.healthyCount() === 1, 'agent ready');
    await store.revoke('name-a1', Date.now());
    expect(await exit).toBe(EXIT_REVOKED);
    expect(logs.some((l) => l.includes(`"code":${CLOSE.revoked}`))).toBe(true);
  });

  it('closes a port still in its handshake when the edge stops, and an agent there reconnects after the edge drops it', async () => {
    const store = new MemoryAgentStore();
    const secret = randomHex(32);
    await addAgent(store, 'a1', secret);
    edge = await startTestEdge(store);
    const { agent, exit, logs, offered } = await portAgent('a1', secret);
    await eventually(() => edge!.hub.healthyCount() === 1, 'agent ready');

    const { port1, port2 } = new MessageChannel();
    const silent = portTextSocket(port1);
    const silentClosed = new Promise<{ code: number; reason: string }>((resolve) => silent.onClose((code, reason) => resolve({ code, reason })));
    silent.onMessage(() => {});
    edge.acceptPort(port2);

    await edge.close();
    edge = undefined;
    expect(await silentClosed).toEqual({ code: 1001, reason: 'shutting_down' });
    await eventually(() => logs.some((l) => l.includes('"e":"edge_disconnected"') && l.includes('"code":1001')), 'the agent told the edge is shutting down');
    await eventually(() => offered.count > 1, 'the agent trying again');
    agent.stop();
    await exit;
  });
});
