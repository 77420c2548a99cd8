import WebSocket from 'ws';
import { startEdgeServer, type EdgeServer, type EdgeServerConfig } from '../../../edge/adapters/node-server.ts';
import { loadConfig } from '../../../edge/config.ts';
import type { AgentStore } from '../../../edge/dispatch/agent-store.ts';
import type { Frame, ProbeTask } from '../../../protocol/index.ts';
import { createAgent, type Agent, type AgentOptions } from '../../../prober/agent/agent.ts';
import { wsConnectEdge } from '../../../prober/adapters/ws-client-node.ts';
import type { TaskRunner } from '../../../prober/engine/task-runner.ts';
import { deriveAgentKey } from '../../../protocol/agent-auth.ts';
import { resultFor } from '../../unit/dispatch/hub-harness.ts';
import { DNS } from '../../world/world.ts';

/** A real edge on an ephemeral loopback port. */
export async function startTestEdge(store?: AgentStore, extra: Partial<EdgeServerConfig> = {}, logs: string[] = [], db = ':memory:'): Promise<EdgeServer> {
  const loaded = loadConfig({ BZ_HOST: '127.0.0.1', BZ_PORT: '0', BZ_DB: db, BZ_DOH: DNS.doh });
  if (!loaded.ok) throw new Error(loaded.error);
  return startEdgeServer({
    config: loaded.config,
    ...(store ? { agentStore: store } : {}),
    hub: { heartbeatMs: 1_000, authTimeoutMs: 300, revocationPollMs: 100, log: (e, f) => logs.push(JSON.stringify({ e, ...f })) },
    ...extra,
  });
}

/** A runner whose answers the test releases; counts what it ran. */
export function scriptedRunner(options: { hold?: boolean } = {}) {
  const ran: ProbeTask[] = [];
  const held: (() => void)[] = [];
  const runner: TaskRunner = async (task) => {
    ran.push(task);
    if (options.hold) await new Promise<void>((r) => held.push(r));
    else await new Promise((r) => setImmediate(r));
    return resultFor(task);
  };
  return { runner, ran, releaseAll: () => held.splice(0).forEach((r) => r()) };
}

export async function startAgent(edge: EdgeServer, id: string, secret: string, runner: TaskRunner, extra: Partial<AgentOptions> = {}) {
  const logs: string[] = [];
  const agent: Agent = createAgent({
    edgeUrl: edge.agentUrl,
    agentId: id,
    key: await deriveAgentKey(secret),
    capacity: 4,
    runner,
    connect: wsConnectEdge(),
    backoff: { baseMs: 20, maxMs: 200 },
    log: (e, f) => logs.push(JSON.stringify({ e, ...f })),
    ...extra,
  });
  const exit = agent.run();
  return { agent, exit, logs };
}

/** A raw WebSocket client, for speaking the protocol wrongly on purpose. */
export function rawClient(url: string) {
  const ws = new WebSocket(url);
  const frames: Frame[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let onFrame: () => void = () => {};
  ws.on('message', (data) => {
    frames.push(JSON.parse(data.toString()));
    onFrame();
  });
  const next = async <T extends Frame['type']>(type: T): Promise<Extract<Frame, { type: T }>> => {
    for (;;) {
      const found = frames.find((f) => f.type === type);
      if (found) return found as Extract<Frame, { type: T }>;
      await Promise.race([new Promise<void>((r) => (onFrame = r)), closed.then(() => { throw new Error(`closed before ${type}`); })]);
    }
  };
  return { ws, frames, closed, opened, next, send: (frame: unknown) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)) };
}

export async function eventually(condition: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
