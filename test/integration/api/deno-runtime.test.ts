import { describe, expect, it } from 'vitest';
import { runDeno } from '../../support/run-deno.ts';

/**
 * The HTTP API must start on any Web-standard runtime: createApp and everything it imports
 * run on Deno. The calls below never reach DNS or a prober (health, OpenAPI, an address that
 * syntax decides), so the resolver and dispatcher throw if asked; the store is the real one,
 * in memory on Deno's built-in SQLite (edge/adapters/sqlite-deno.ts), where no key is stored.
 */
const SCRIPT = `
import { openMemorySqlite } from './edge/adapters/sqlite-deno.ts';
import { createApp } from './edge/api/app.ts';
import { checkServices } from './edge/compose/edge-services.ts';
import { loadConfig } from './edge/config.ts';
import { EdgeMetrics } from './edge/metrics/edge-metrics.ts';
import { systemClock, systemRandom } from './protocol/index.ts';
const loaded = loadConfig({ BZ_DOH: 'http://127.0.0.1:9/dns-query', BZ_API_KEY: 'deno-key-0123456789abcdefghijklmnopqr' });
const store = await openMemorySqlite();
const dispatcher = { submit: () => { throw new Error('dispatch reached'); }, agents: () => [], healthyCount: () => 0 };
const resolver = { plan: () => { throw new Error('DNS reached'); } };
const s = checkServices({ config: loaded.config, db: store, resolver, dispatcher, clock: systemClock, random: systemRandom, metrics: new EdgeMetrics() });
const app = createApp({ config: loaded.config, keys: s.keys, outcomes: s.outcomes, verify: s.verify, clock: systemClock, metrics: s.metrics });
const post = (key) => app.request('/v1/verify', { method: 'POST', headers: { authorization: 'Bearer ' + key, 'content-type': 'application/json' }, body: JSON.stringify({ email: 'not an address' }) });
const verified = await post('deno-key-0123456789abcdefghijklmnopqr');
const out = {
  health: await (await app.request('/v1/health')).json(),
  verify: [verified.status, (await verified.json()).reason],
  wrongKey: (await post('deno-wrong-key-000')).status,
  paths: Object.keys((await (await app.request('/openapi.json')).json()).paths).sort(),
  metrics: (await (await app.request('/metrics')).text()).includes('bouncezero_verdicts_total{verdict="undeliverable",reason="invalid_syntax"} 1'),
};
console.log(JSON.stringify(out));
`;

describe('edge API on Deno', () => {
  it('serves health, OpenAPI, metrics and a syntax-decided verify', async () => {
    const { code, stdout, stderr } = await runDeno(SCRIPT);
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      health: { ok: true, agents: 0, agent_list: [], version: '0.1.0' },
      verify: [200, 'invalid_syntax'],
      wrongKey: 401,
      paths: ['/metrics', '/openapi.json', '/v0/check_email', '/v1/check_email', '/v1/health', '/v1/outcomes', '/v1/verify'],
      metrics: true,
    });
  });
});
