import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { MessagePort } from 'node:worker_threads';
import { getRequestListener } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { systemClock, systemRandom, type Clock, type Random } from '../../protocol/index.ts';
import { composeEdge, type ComposeEdgeInput } from '../compose/compose-edge.ts';
import type { Config } from '../config.ts';
import type { AgentHub } from '../dispatch/agent-hub.ts';
import type { AgentStore } from '../dispatch/agent-store.ts';
import type { Database } from '../store/schema.ts';
import type { Kysely } from 'kysely';
import { openStore } from './open-store.ts';
import { pinnedFetch } from './pinned-fetch-node.ts';
import { nodeDohTransport } from './doh-transport-node.ts';
import { agentUpgrade, textAgentSocket } from './ws-node.ts';
import { portTextSocket } from '../../net/port-socket-node.ts';
import { startRetentionSweep } from '../retention/retention-sweep.ts';
import { jsonLineLog } from '../dispatch/hub-log.ts';
import type { PreauthLimits } from '../dispatch/preauth-gate.ts';
import { throttledLog } from '../dispatch/throttled-log.ts';

export const AGENT_WS_PATH = '/v1/agents/ws';

/**
 * Where the hub sees an agent on a thread of this process from: loopback, as when the embedded
 * prober dialed the edge over loopback, so its doctor's checks of the address read as before.
 */
const THREAD_AGENT_ADDRESS = '127.0.0.1';

export interface EdgeServerConfig {
  /** The edge's settings (edge/config.ts): host, port, db, DoH endpoints … */
  config: Config;
  /** Where agents are recorded: the SQLite store at config.db unless a test brings its own. */
  agentStore?: AgentStore;
  /** PEM certificate and key: the edge then serves https and wss. */
  tls?: { cert: string; key: string };
  /** Hub timings and hooks (tests shorten the heartbeat and the auth timeout). */
  hub?: ComposeEdgeInput['hub'];
  clock?: Clock;
  random?: Random;
  /** Unauthenticated agent sockets per client address and in total (defaults in preauth-gate.ts). */
  preauthLimits?: PreauthLimits;
}

export interface EdgeServer {
  /** http(s)://host:port, with the port actually bound (config.port 0 picks one). */
  url: string;
  /** ws(s)://host:port/v1/agents/ws */
  agentUrl: string;
  hub: AgentHub;
  /**
   * Takes an agent on another thread of this process (the embedded prober of `start`) over a
   * MessagePort: the same hub, handshake and frames as an agent that dials agentUrl.
   */
  acceptPort(port: MessagePort): void;
  agentStore: AgentStore;
  /** The opened, migrated store (API keys, caches, agents). */
  db: Kysely<Database>;
  close(): Promise<void>;
}

/**
 * The edge on Node: the store opened with Node's drivers, the services composed once
 * (composeEdge), and one HTTP(S) server for the Hono app, with the agent hub taking WebSocket
 * upgrades on GET /v1/agents/ws.
 */
export async function startEdgeServer(options: EdgeServerConfig): Promise<EdgeServer> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const store = await openStore(config.db, config.pgPool !== undefined ? { poolSize: config.pgPool } : {});
  const { db } = store;
  const closing = new AbortController();
  const { app, hub, agentStore, jobs } = composeEdge({
    config,
    store,
    clock,
    random,
    connInfo: getConnInfo,
    webhookFetch: pinnedFetch,
    dohTransport: nodeDohTransport(),
    closing: closing.signal,
    ...(options.agentStore ? { agentStore: options.agentStore } : {}),
    ...(options.hub ? { hub: options.hub } : {}),
  });
  const listener = getRequestListener(app.fetch);
  const server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener) : createHttpServer(listener);
  const upgradeLog = throttledLog(options.hub?.log ?? jsonLineLog, clock);
  const upgrade = agentUpgrade(AGENT_WS_PATH, (socket) => hub.accept(socket), { log: upgradeLog, ...(options.preauthLimits ? { limits: options.preauthLimits } : {}) });
  server.on('upgrade', upgrade.handle);

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    // A busy port: give back what was opened, so the caller can report it and the process end.
    hub.close();
    upgrade.close();
    upgradeLog.close();
    await db.destroy();
    throw error;
  }
  await jobs.runner.start();
  jobs.webhooks.start();
  const stopRetention = startRetentionSweep({
    db,
    clock,
    days: config.retentionDays,
    onPurged: (n) => {
      if (n.jobs + n.results + n.outcomes > 0) console.error(JSON.stringify({ at: new Date(clock.now()).toISOString(), event: 'retention_purge', ...n }));
    },
    onError: (error) => console.error(JSON.stringify({ event: 'retention_error', error: String(error).slice(0, 300) })),
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const secure = options.tls !== undefined;
  return {
    url: `${secure ? 'https' : 'http'}://${host}:${port}`,
    agentUrl: `${secure ? 'wss' : 'ws'}://${host}:${port}${AGENT_WS_PATH}`,
    hub,
    acceptPort(port) {
      hub.accept(textAgentSocket(portTextSocket(port), THREAD_AGENT_ADDRESS));
    },
    agentStore,
    db,
    async close() {
      stopRetention();
      // First, so the job runner's and the hub's work waiting on DNS ends at once.
      closing.abort();
      await jobs.runner.stop();
      await jobs.webhooks.stop();
      hub.close();
      upgrade.close();
      upgradeLog.close();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.destroy();
    },
  };
}
