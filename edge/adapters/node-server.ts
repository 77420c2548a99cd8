import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { systemClock, systemRandom, type Clock, type Random } from '../../protocol/index.ts';
import { createApp } from '../api/app.ts';
import { memoResultCache } from '../cache/memo-result-cache.ts';
import { createStoreResultCache } from '../cache/store-result-cache.ts';
import { createJobs } from '../jobs/create-jobs.ts';
import { runnerOptionsFromEnv } from '../jobs/runner-options.ts';
import type { Config } from '../config.ts';
import { createAgentHub, type AgentHub, type HubOptions } from '../dispatch/agent-hub.ts';
import type { AgentStore } from '../dispatch/agent-store.ts';
import { dohLookup } from '../dispatch/doh-lookup.ts';
import { createKyselyAgentStore } from '../dispatch/kysely-agent-store.ts';
import { parseCidrList } from '../dns/cidr.ts';
import { createDohClient } from '../dns/doh-client.ts';
import { createMxResolver } from '../dns/create-mx-resolver.ts';
import { EdgeMetrics } from '../metrics/edge-metrics.ts';
import { engineOf } from '../store/dialect.ts';
import { createDnsCacheStore } from '../store/dns-cache-store.ts';
import type { Database } from '../store/schema.ts';
import type { Kysely } from 'kysely';
import { DomainLeases } from '../dispatch/domain-leases.ts';
import { leasedDispatcher } from '../dispatch/leased-dispatcher.ts';
import { DEFAULT_RUNNER_OPTIONS } from '../jobs/runner-options.ts';
import { openStore } from './open-store.ts';
import { agentUpgrade } from './ws-node.ts';
import { jsonLineLog } from '../dispatch/hub-log.ts';
import type { PreauthLimits } from '../dispatch/preauth-gate.ts';
import { throttledLog } from '../dispatch/throttled-log.ts';

export const AGENT_WS_PATH = '/v1/agents/ws';

export interface EdgeServerConfig {
  /** The edge's settings (edge/config.ts): host, port, db, DoH endpoints … */
  config: Config;
  /** Where agents are recorded: the SQLite store at config.db unless a test brings its own. */
  agentStore?: AgentStore;
  /** PEM certificate and key: the edge then serves https and wss. */
  tls?: { cert: string; key: string };
  /** Hub timings and hooks (tests shorten the heartbeat and the auth timeout). */
  hub?: Omit<HubOptions, 'store' | 'clock' | 'random'>;
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
  agentStore: AgentStore;
  /** The opened, migrated store (API keys, caches, agents). */
  db: Kysely<Database>;
  close(): Promise<void>;
}

/**
 * The Node composition of the edge: one HTTP(S) server for the Hono app, with the agent hub
 * taking WebSocket upgrades on GET /v1/agents/ws.
 */
export async function startEdgeServer(options: EdgeServerConfig): Promise<EdgeServer> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const db = await openStore(config.db, poolSizeFromEnv(process.env));
  const allowNets = parseCidrList(config.allowNets.join(','));
  if (!allowNets.ok) throw new Error(allowNets.error);
  const agentStore = options.agentStore ?? createKyselyAgentStore(db);
  const dns = createDohClient({ endpoints: config.doh, clock });
  let wakeJobs = () => {};
  const hub = createAgentHub({ dns: dohLookup((q, signal) => dns.query(q, signal)), onAgentReady: () => wakeJobs(), ...options.hub, store: agentStore, clock, random });
  const resolver = createMxResolver({ endpoints: config.doh, allowNets: allowNets.nets, clock, random, cacheStore: createDnsCacheStore(db) });
  // One result cache for /v1/verify and the jobs, so a job's fresh answer replaces what verify remembers.
  const cache = memoResultCache(createStoreResultCache(db));
  // BZ_JOB_RETRY_* / BZ_JOB_TASK_SIZE: the test world's greylisting must not wait minutes.
  const jobRunner = runnerOptionsFromEnv(process.env);
  if (!jobRunner.ok) throw new Error(jobRunner.error);
  // Several edges may share one PostgreSQL: a domain's probes go out through one edge at a time.
  // On SQLite this edge is the only one, and its hub already gives a domain to one prober.
  const leaseMs = jobRunner.options.leaseMs ?? DEFAULT_RUNNER_OPTIONS.leaseMs;
  let leaseRefusals = 0;
  const onBusy = () => void leaseRefusals++;
  const jobDispatcher = engineOf(db) === 'postgres' ? leasedDispatcher(hub, { leases: new DomainLeases(db, `edge-${hex(random.bytes(8))}`), clock, leaseMs, onBusy }) : hub;
  const metrics = new EdgeMetrics();
  metrics.addGauges(() => ({ job_domain_lease_refusals: ['Job tasks put back because another edge held their domain (monotonic; PostgreSQL only).', leaseRefusals] }));
  const jobs = createJobs({ store: db, resolver, dispatcher: jobDispatcher, clock, random, config, cache, observer: metrics, runner: jobRunner.options, onError: (error) => console.error(JSON.stringify({ event: 'job_runner_error', error: String(error).slice(0, 300) })) });
  wakeJobs = () => jobs.runner.wake();
  const app = createApp({
    config,
    store: db,
    resolver,
    dispatcher: hub,
    clock,
    random,
    metrics,
    connInfo: getConnInfo,
    cache,
    jobs: jobs.mounted,
    hubMetrics: () => hub.metrics(),
  });
  const listener = getRequestListener(app.fetch);
  const server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener) : createHttpServer(listener);
  const upgradeLog = throttledLog(options.hub?.log ?? jsonLineLog, clock);
  const upgrade = agentUpgrade(AGENT_WS_PATH, (socket) => hub.accept(socket), { log: upgradeLog, ...(options.preauthLimits ? { limits: options.preauthLimits } : {}) });
  server.on('upgrade', upgrade.handle);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  await jobs.runner.start();
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const secure = options.tls !== undefined;
  return {
    url: `${secure ? 'https' : 'http'}://${host}:${port}`,
    agentUrl: `${secure ? 'wss' : 'ws'}://${host}:${port}${AGENT_WS_PATH}`,
    hub,
    agentStore,
    db,
    async close() {
      await jobs.runner.stop();
      hub.close();
      upgrade.close();
      upgradeLog.close();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.destroy();
    },
  };
}

/** BZ_PG_POOL: connections per edge to PostgreSQL (ignored for SQLite). */
function poolSizeFromEnv(env: Record<string, string | undefined>): { poolSize?: number } {
  const raw = env.BZ_PG_POOL?.trim();
  if (!raw) return {};
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > 1000) throw new Error(`BZ_PG_POOL: expected a whole number from 1 to 1000, got "${raw}"`);
  return { poolSize: n };
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}
