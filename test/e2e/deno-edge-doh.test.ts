import { expect, it } from 'vitest';
import { runDeno } from '../support/run-deno.ts';
import { ALLOW_NETS, DNS } from '../world/world.ts';
import { describeWorld } from '../support/world-tier.ts';

/**
 * CI smoke test (issue 6 item 8): the edge app on Deno decides through the world's DoH server.
 * test/integration/api/deno-runtime.test.ts proves the app starts on Deno with DNS unreachable;
 * here the real MX resolver (Web fetch to dnsdist) runs on Deno, so a null MX is seen as such.
 * The store is the real one in memory on Deno's SQLite (a second null-MX check is served from
 * its result cache), and the dispatcher throws: no answer here may need a prober.
 */
const SCRIPT = `
import { openMemorySqlite } from './edge/adapters/sqlite-deno.ts';
import { createApp } from './edge/api/app.ts';
import { checkServices } from './edge/compose/edge-services.ts';
import { loadConfig } from './edge/config.ts';
import { parseCidrList } from './net/cidr.ts';
import { createMxResolver } from './edge/dns/create-mx-resolver.ts';
import { EdgeMetrics } from './edge/metrics/edge-metrics.ts';
import { systemClock, systemRandom } from './protocol/index.ts';
const loaded = loadConfig({ BZ_DOH: ${JSON.stringify(DNS.doh)}, BZ_ALLOW_NETS: ${JSON.stringify(ALLOW_NETS)}, BZ_API_KEY: 'deno-key-0123456789abcdefghijklmnopqr', BZ_RATE_LIMIT_RPS: '0' });
if (!loaded.ok) throw new Error(loaded.error);
const nets = parseCidrList(loaded.config.allowNets.join(','));
const store = await openMemorySqlite();
const dispatcher = { submit: () => { throw new Error('dispatch reached'); }, agents: () => [], healthyCount: () => 0 };
const resolver = createMxResolver({ endpoints: loaded.config.doh, allowNets: nets.nets, clock: systemClock, random: systemRandom });
const s = checkServices({ config: loaded.config, db: store, resolver, dispatcher, clock: systemClock, random: systemRandom, metrics: new EdgeMetrics() });
const app = createApp({ config: loaded.config, keys: s.keys, outcomes: s.outcomes, verify: s.verify, clock: systemClock, metrics: s.metrics });
const verify = async (email) => {
  const res = await app.request('/v1/verify', { method: 'POST', headers: { authorization: 'Bearer deno-key-0123456789abcdefghijklmnopqr', 'content-type': 'application/json' }, body: JSON.stringify({ email }) });
  const body = await res.json();
  return { status: res.status, verdict: body.verdict, reason: body.reason, score: body.score, cached: body.cached, dns: body.checks?.dns ?? null };
};
console.log(JSON.stringify({ runtime: typeof Deno, syntax: await verify('not an address'), nullMx: await verify('alice@nullmx.test'), again: await verify('alice@nullmx.test'), nxdomain: await verify('alice@nxdomain.test') }));
`;

describeWorld('edge app on Deno through the local DoH server', () => {
  it('answers invalid_syntax and null_mx (and nxdomain) from DNS it looked up itself', async () => {
    const { code, stdout, stderr } = await runDeno(SCRIPT);
    expect(code, stderr).toBe(0);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({
      runtime: 'object',
      syntax: { status: 200, verdict: 'undeliverable', reason: 'invalid_syntax', score: 0, dns: null },
      nullMx: { status: 200, verdict: 'undeliverable', reason: 'null_mx', score: 0, cached: false },
      again: { status: 200, verdict: 'undeliverable', reason: 'null_mx', cached: true },
      nxdomain: { status: 200, verdict: 'undeliverable', reason: 'nxdomain', score: 0 },
    });
    // The verdict rests on the record dnsdist served (RFC 7505's `0 .`), carried as evidence.
    expect(out.nullMx.dns).toMatchObject({ domain: 'nullmx.test', rule: 'null_mx', hosts: [], records: [expect.objectContaining({ name: 'nullmx.test', type: 'MX' })] });
    expect(out.nxdomain.dns).toMatchObject({ rule: 'nxdomain' });
  }, 60_000);
});
