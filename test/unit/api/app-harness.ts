import { generateApiKey, hashApiKey, keyHint } from '../../../edge/access/api-key.ts';
import { createStoreKeyStore } from '../../../edge/access/key-store.ts';
import type { KeyScope } from '../../../edge/access/scopes.ts';
import { openSqlite } from '../../../edge/adapters/sqlite-node.ts';
import type { DispatchOutcome, Dispatcher, AgentSummary } from '../../../edge/dispatch/dispatcher.ts';
import type { MxResolver } from '../../../edge/dns/mx-resolver.ts';
import { createApp, type AppDeps } from '../../../edge/api/app.ts';
import { checkServices } from '../../../edge/compose/edge-services.ts';
import type { Database } from '../../../edge/store/schema.ts';
import type { Kysely } from 'kysely';
import { loadConfig, type Config } from '../../../edge/config.ts';
import { EdgeMetrics } from '../../../edge/metrics/edge-metrics.ts';
import type { CatchAllCheck, MxPlan, MxRule, ProbeResult, ProbeTask, Random, SmtpCheck } from '../../../protocol/index.ts';
import { FakeClock } from '../../support/fake-clock.ts';

export const TEST_KEY = 'test-key-0123456789abcdefghijklmnopqr';

/** A loopback DoH URL that no test ever reaches: the resolver is scripted. */
export function testConfig(env: Record<string, string> = {}): Config {
  const r = loadConfig({ BZ_DOH: 'http://127.0.0.1:9/dns-query', BZ_API_KEY: TEST_KEY, BZ_DB: ':memory:', ...env });
  if (!r.ok) throw new Error(r.error);
  return r.config;
}

export function plan(domain: string, rule: MxRule = 'mx', hosts = [`mx.${domain}`]): MxPlan {
  const routable = rule === 'mx' || rule === 'implicit_mx';
  return {
    domain,
    rule,
    hosts: routable ? hosts.map((host, i) => ({ host, preference: 10 * (i + 1), addresses: ['127.0.0.10'], refused: [] })) : [],
    ttl: 300,
    records: [],
    cnames: [],
  };
}

/** Plans by domain; every call is counted so a test can prove the cache answered. */
export class ScriptedResolver implements MxResolver {
  calls: { domain: string; fresh: boolean }[] = [];
  constructor(private readonly plans: Record<string, MxPlan | (() => Promise<MxPlan>)>) {}
  async plan(domain: string, options?: { fresh?: boolean }): Promise<MxPlan> {
    this.calls.push({ domain, fresh: options?.fresh ?? false });
    const p = this.plans[domain];
    if (!p) return { ...plan(domain, 'nxdomain'), reason: 'nxdomain' };
    return typeof p === 'function' ? p() : p;
  }
}

export type Answer = (task: ProbeTask, signal?: AbortSignal) => DispatchOutcome | Promise<DispatchOutcome>;

/** A dispatcher whose prober answers by script; `healthy` agents are "connected". */
export class ScriptedDispatcher implements Dispatcher {
  tasks: ProbeTask[] = [];
  constructor(
    public answer: Answer,
    public healthy = 1,
  ) {}
  async submit(task: ProbeTask, options?: { signal?: AbortSignal }): Promise<DispatchOutcome> {
    this.tasks.push(task);
    return this.answer(task, options?.signal);
  }
  agents(): AgentSummary[] {
    return Array.from({ length: this.healthy }, (_, i) => ({
      id: `agent-${i}`,
      name: `prober-${i}`,
      capacity: 10,
      in_flight: 0,
      plugins: ['gmail'],
      healthy: true,
      port25: true,
      observed_address: '127.0.0.1',
      doctor: [{ name: 'port25', ok: true, detail: 'reached 127.0.0.1:25' }],
      connected_at: 0,
    }));
  }
  healthyCount(): number {
    return this.healthy;
  }
}

/** What a prober would send back for every address of the task. */
export function probeAnswer(smtp: SmtpCheck, catchAll: CatchAllCheck['status'] = 'no', connections = 1): Answer {
  return (task) => {
    const result: ProbeResult = {
      task_id: task.id,
      domain: task.domain,
      results: task.addresses.map((a) => ({ id: a.id, address: a.address, smtp, signals: [] })),
      catch_all: { status: catchAll, cached: false },
      stats: { connections, commands: 4, round_trips: 4 },
    };
    return { ok: true, result, agent_id: 'agent-0' };
  };
}

export function seededRandom(seed = 1): Random {
  let s = seed;
  const next = () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
  return { next, bytes: (n) => Uint8Array.from({ length: n }, () => Math.floor(next() * 256)) };
}

/** The real SQLite store, in memory, migrated like a production one. */
export function memoryStore(): Promise<Kysely<Database>> {
  return openSqlite(':memory:');
}

/** Stores a key named `name` (id `k_<name>`) with these scopes and returns the key itself. */
export async function storedKey(store: Kysely<Database>, name: string, scopes: readonly KeyScope[], seed = 7): Promise<string> {
  const key = generateApiKey(seededRandom(seed));
  await createStoreKeyStore(store).add({ id: `k_${name}`, name, key_hash: await hashApiKey(key), hint: keyHint(key), created_at: 0, revoked_at: null, scopes });
  return key;
}

export interface Harness {
  app: ReturnType<typeof createApp>;
  deps: AppDeps & { store: Kysely<Database> };
  clock: FakeClock;
  resolver: ScriptedResolver;
  dispatcher: ScriptedDispatcher;
  metrics: EdgeMetrics;
  verify(body: unknown, init?: { query?: string; headers?: Record<string, string> }): Promise<Response>;
}

export async function harness(options: {
  plans?: Record<string, MxPlan | (() => Promise<MxPlan>)>;
  answer?: Answer;
  healthy?: number;
  env?: Record<string, string>;
  connInfo?: AppDeps['connInfo'];
  hubMetrics?: AppDeps['hubMetrics'];
  onError?: AppDeps['onError'];
}): Promise<Harness> {
  const clock = new FakeClock();
  const resolver = new ScriptedResolver(options.plans ?? {});
  const dispatcher = new ScriptedDispatcher(options.answer ?? probeAnswer({ outcome: 'accepted', reason: 'accepted' }), options.healthy ?? 1);
  const metrics = new EdgeMetrics();
  const config = testConfig(options.env);
  const store = await memoryStore();
  const services = checkServices({ config, db: store, resolver, dispatcher, clock, random: seededRandom(), metrics });
  const deps = {
    config,
    store,
    keys: services.keys,
    outcomes: services.outcomes,
    verify: services.verify,
    clock,
    metrics,
    connInfo: options.connInfo,
    hubMetrics: options.hubMetrics,
    onError: options.onError,
  };
  const app = createApp(deps);
  return {
    app,
    deps,
    clock,
    resolver,
    dispatcher,
    metrics,
    verify: async (body, init = {}) =>
      app.request(`/v1/verify${init.query ?? ''}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json', ...init.headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
  };
}

/**
 * Lets the app's work run until the condition holds. Web Crypto hashes off the main thread,
 * so this polls on real time (bounded), without asserting anything about how long it took.
 */
export async function until(condition: () => boolean, maxPolls = 5000): Promise<void> {
  for (let i = 0; i < maxPolls && !condition(); i++) await new Promise((r) => setTimeout(r, 1));
  if (!condition()) throw new Error('condition not reached');
}
