import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import type { Config } from '../config.ts';
import { createAgentHub, type AgentHub, type HubOptions } from '../dispatch/agent-hub.ts';
import type { AgentStore } from '../dispatch/agent-store.ts';
import { createKyselyAgentStore } from '../dispatch/kysely-agent-store.ts';
import { openSqlite } from './sqlite-node.ts';
import { agentUpgrade } from './ws-node.ts';

export const AGENT_WS_PATH = '/v1/agents/ws';

export interface EdgeServerConfig {
  /** The edge's settings (edge/config.ts): host, port, db, DoH endpoints … */
  config: Config;
  /** Where agents are recorded: the SQLite store at config.db unless a test brings its own. */
  agentStore?: AgentStore;
  /** PEM certificate and key: the edge then serves https and wss. */
  tls?: { cert: string; key: string };
  /** Hub timings and hooks (tests shorten the heartbeat and the auth timeout). */
  hub?: Omit<HubOptions, 'store'>;
}

export interface EdgeServer {
  /** http(s)://host:port, with the port actually bound (config.port 0 picks one). */
  url: string;
  /** ws(s)://host:port/v1/agents/ws */
  agentUrl: string;
  hub: AgentHub;
  agentStore: AgentStore;
  close(): Promise<void>;
}

/**
 * The Node composition of the edge: one HTTP(S) server for the Hono app, with the agent hub
 * taking WebSocket upgrades on GET /v1/agents/ws.
 */
export async function startEdgeServer(options: EdgeServerConfig): Promise<EdgeServer> {
  const { config } = options;
  const db = await openSqlite(config.db);
  const agentStore = options.agentStore ?? createKyselyAgentStore(db);
  const hub = createAgentHub({ ...options.hub, store: agentStore });
  const app = edgeApp(hub);
  const listener = getRequestListener(app.fetch);
  const server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener) : createHttpServer(listener);
  const upgrade = agentUpgrade(AGENT_WS_PATH, (socket) => hub.accept(socket));
  server.on('upgrade', upgrade.handle);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const secure = options.tls !== undefined;
  return {
    url: `${secure ? 'https' : 'http'}://${host}:${port}`,
    agentUrl: `${secure ? 'wss' : 'ws'}://${host}:${port}${AGENT_WS_PATH}`,
    hub,
    agentStore,
    async close() {
      hub.close();
      upgrade.close();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.destroy();
    },
  };
}

function edgeApp(hub: AgentHub): Hono {
  const app = new Hono();
  app.get('/v1/health', (c) => c.json({ ok: true, agents: hub.healthyCount() }));
  return app;
}
