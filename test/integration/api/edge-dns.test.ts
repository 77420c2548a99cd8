import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { openSqlite, sqliteStore } from '../../../edge/adapters/sqlite-node.ts';
import { createApp } from '../../../edge/api/app.ts';
import { edgeServices } from '../../../edge/compose/edge-services.ts';
import { loadConfig } from '../../../edge/config.ts';
import { createAgentHub, type AgentHub } from '../../../edge/dispatch/agent-hub.ts';
import { createKyselyAgentStore } from '../../../edge/dispatch/kysely-agent-store.ts';
import type { AgentTables } from '../../../edge/store/tables/agents.ts';
import { parseCidrList } from '../../../net/cidr.ts';
import { createMxResolver } from '../../../edge/dns/create-mx-resolver.ts';
import { EdgeMetrics } from '../../../edge/metrics/edge-metrics.ts';
import type { Database } from '../../../edge/store/schema.ts';
import { systemClock, systemRandom, VerificationResult } from '../../../protocol/index.ts';
import { ALLOW_NETS, DNS, EXPECTATIONS } from '../../world/world.ts';
import { describeWorld } from '../../support/world-tier.ts';

/**
 * The real edge app over the test world's real DoH server, with a real agent hub that has no
 * agent: every answer that DNS alone decides must come back right, and must cost no prober.
 */
const DNS_DECIDED = new Set(['null_mx', 'nxdomain', 'no_mx', 'mx_unresolvable', 'mx_private_address', 'invalid_syntax']);
const KEY = 'integration-key-0123456789abcdefghijk';

let db: Kysely<Database>;
let hub: AgentHub;
let app: ReturnType<typeof createApp>;
let metrics: EdgeMetrics;

async function verify(email: string): Promise<VerificationResult> {
  const res = await app.request('/v1/verify', {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  expect(res.status).toBe(200);
  return VerificationResult.parse(await res.json());
}

describeWorld('edge app over the world DoH, no prober', () => {
  beforeAll(async () => {
    const loaded = loadConfig({ BZ_DOH: DNS.doh, BZ_ALLOW_NETS: ALLOW_NETS, BZ_API_KEY: KEY, BZ_DB: ':memory:' });
    if (!loaded.ok) throw new Error(loaded.error);
    const nets = parseCidrList(ALLOW_NETS);
    if (!nets.ok) throw new Error(nets.error);
    db = await openSqlite(':memory:');
    hub = createAgentHub({ store: createKyselyAgentStore(db as unknown as Kysely<AgentTables>) });
    metrics = new EdgeMetrics();
    app = edgeServices({
      config: loaded.config,
      store: sqliteStore(db),
      resolver: createMxResolver({ endpoints: loaded.config.doh, allowNets: nets.nets }),
      dispatcher: hub,
      clock: systemClock,
      random: systemRandom,
      metrics,
    }).app;
  });

  afterAll(async () => {
    hub?.close();
    await db?.destroy();
  });

  const decided = EXPECTATIONS.filter((e) => DNS_DECIDED.has(e.reason));

  it('covers every rule that decides without SMTP', () => {
    expect(new Set(decided.map((e) => e.reason))).toEqual(DNS_DECIDED);
  });

  for (const e of decided) {
    it(`${e.email} → ${e.verdict} / ${e.reason}`, async () => {
      const r = await verify(e.email);
      expect({ verdict: r.verdict, reason: r.reason }).toEqual({ verdict: e.verdict, reason: e.reason });
      if (e.reason !== 'invalid_syntax') expect(r.checks.dns?.domain).toBe(e.email.split('@')[1]);
    });
  }

  it('answers a routable domain no_prober at once, with the real MX plan', async () => {
    const r = await verify('alice@world.test');
    expect(r).toMatchObject({ verdict: 'unknown', reason: 'no_prober' });
    expect(r.checks.dns?.rule).toBe('mx');
    expect(r.checks.dns?.hosts[0]).toMatchObject({ host: 'mx1.world.test', addresses: ['127.0.0.20'] });
  });

  it('serves the second ask of a DNS-decided address from the result cache', async () => {
    await verify('cachecheck@nullmx.test');
    const again = await verify('cachecheck@nullmx.test');
    expect(again).toMatchObject({ cached: true, reason: 'null_mx' });
    expect(metrics.cache.get({ outcome: 'hit' })).toBeGreaterThanOrEqual(1);
  });
});
