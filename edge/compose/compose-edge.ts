import type { GetConnInfo } from 'hono/conninfo';
import { randomHex, type Clock, type Random } from '../../protocol/index.ts';
import type { Config } from '../config.ts';
import { createAgentHub, type AgentHub, type HubOptions } from '../dispatch/agent-hub.ts';
import type { AgentStore } from '../dispatch/agent-store.ts';
import { dohLookup, hostAddresses } from '../dispatch/doh-lookup.ts';
import { DomainLeases } from '../dispatch/domain-leases.ts';
import { createKyselyAgentStore } from '../dispatch/kysely-agent-store.ts';
import { leasedDispatcher } from '../dispatch/leased-dispatcher.ts';
import { parseCidrList } from '../../net/cidr.ts';
import { createMxResolver } from '../dns/create-mx-resolver.ts';
import { createDohClient } from '../dns/doh-client.ts';
import type { DohTransport } from '../dns/doh-transport.ts';
import type { Jobs } from '../jobs/create-jobs.ts';
import type { WebhookFetch } from '../jobs/webhook/webhook-sender.ts';
import { DEFAULT_RUNNER_OPTIONS } from '../jobs/runner-options.ts';
import { EdgeMetrics } from '../metrics/edge-metrics.ts';
import { createDnsCacheStore } from '../dns/dns-cache-store.ts';
import type { EdgeStore } from '../store/edge-store.ts';
import { edgeServices, type EdgeServices } from './edge-services.ts';

export interface ComposeEdgeInput {
  /** The edge's settings (edge/config.ts). */
  config: Config;
  /** The opened, migrated store and what it can do (the runtime's adapter opens it: better-sqlite3, node:sqlite's Deno twin, pg). */
  store: EdgeStore;
  clock: Clock;
  random: Random;
  /** Where agents are recorded: the store unless a test brings its own. */
  agentStore?: AgentStore;
  /** Hub timings and hooks (tests shorten the heartbeat and the auth timeout). */
  hub?: Omit<HubOptions, 'store' | 'clock' | 'random' | 'dns' | 'onAgentReady'>;
  /** The runtime's way to read the caller's address. */
  connInfo?: GetConnInfo;
  /** The runtime's webhook POST pinned to the vetted address (pinned-fetch-node.ts, pinned-fetch-deno.ts); else Web fetch. */
  webhookFetch?: WebhookFetch;
  /** The runtime's HTTP for DoH (Node: nodeDohTransport, lighter than the Web fetch); else Web fetch. */
  dohTransport?: DohTransport;
  /** Aborted when the edge shuts down: DoH questions still out are given up, not waited for. */
  closing?: AbortSignal;
}

export interface ComposedEdge extends EdgeServices {
  hub: AgentHub;
  agentStore: AgentStore;
  jobs: Jobs;
}

/**
 * The composition root: every edge service built once from the settings and the open store. One
 * DoH client serves the MX resolver and the agents' self-check lookups (one set of circuit
 * breakers); the agent hub is the dispatcher of single checks and, behind domain leases where
 * several edges share the store, of jobs. A runtime adapter adds only HTTP, WebSocket and TLS.
 */
export function composeEdge(input: ComposeEdgeInput): ComposedEdge {
  const { config, store, clock, random } = input;
  const { db } = store;
  const allowNets = parseCidrList(config.allowNets.join(','));
  if (!allowNets.ok) throw new Error(allowNets.error);

  const dns = createDohClient({ endpoints: config.doh, clock, ...(input.dohTransport ? { transport: input.dohTransport } : {}), ...(input.closing ? { signal: input.closing } : {}) });
  const resolver = createMxResolver({ endpoints: config.doh, client: dns, allowNets: allowNets.nets, clock, random, cacheStore: createDnsCacheStore(db) });
  const agentStore = input.agentStore ?? createKyselyAgentStore(db);
  let wakeJobs = () => {};
  const hub = createAgentHub({ dns: dohLookup((q, signal) => dns.query(q, signal)), onAgentReady: () => wakeJobs(), ...input.hub, store: agentStore, clock, random });

  const metrics = new EdgeMetrics();
  // Several edges on one store: a domain's probes go out through one edge at a time. Alone on
  // its store, this edge's hub already gives a domain to one prober.
  let leaseRefusals = 0;
  const onJobError = (error: unknown) => console.error(JSON.stringify({ event: 'job_runner_error', error: String(error).slice(0, 300) }));
  const jobDispatcher = store.sharedByEdges
    ? leasedDispatcher(hub, {
        leases: new DomainLeases(db, `edge-${randomHex(random, 8)}`),
        clock,
        leaseMs: config.jobRunner.leaseMs ?? DEFAULT_RUNNER_OPTIONS.leaseMs,
        onBusy: () => void leaseRefusals++,
        onError: onJobError,
      })
    : hub;
  metrics.addGauges(() => ({ job_domain_lease_refusals: ['Job tasks put back because another edge held their domain (monotonic; PostgreSQL only).', leaseRefusals] }));

  const services = edgeServices({
    config,
    store,
    resolver,
    dispatcher: hub,
    jobDispatcher,
    clock,
    random,
    metrics,
    runner: config.jobRunner,
    hubMetrics: () => hub.metrics(),
    dnsStatus: () => dns.status(),
    onJobError,
    // Callback hosts are looked up like MX hosts, and judged by the same guard and BZ_ALLOW_NETS.
    webhooks: { hostAddresses: hostAddresses((q, signal) => dns.query(q, signal)), allowNets: allowNets.nets, ...(input.webhookFetch ? { fetch: input.webhookFetch } : {}) },
    ...(input.connInfo ? { connInfo: input.connInfo } : {}),
  });
  wakeJobs = () => services.jobs.runner.wake();
  return { ...services, hub, agentStore };
}
