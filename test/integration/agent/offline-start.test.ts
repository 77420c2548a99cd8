import { afterEach, describe, expect, it } from 'vitest';
import { startEdgeServer, type EdgeServer } from '../../../edge/adapters/node-server.ts';
import { loadConfig } from '../../../edge/config.ts';
import { enrollAgent } from '../../../edge/dispatch/agent-enrollment.ts';
import { createDoctor, type PortProbe } from '../../../prober/doctor/doctor.ts';
import { systemClock, systemRandom } from '../../../protocol/index.ts';
import { silentDoh } from '../../support/silent-doh.ts';
import { eventually, scriptedRunner, startAgent } from './edge-harness.ts';

const KEY = 'bz_offline_start_test_key_0123456789abcdef';

describe('start-up with no DNS (offline, DoH unreachable)', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('serves the page and /v1/health while DoH has answered nothing, answers checks dns_error, and keeps its prober', async () => {
    const doh = await silentDoh();
    cleanup.push(doh.close);
    // Credentials and a token in the setting, which no answer may show.
    const withSecrets = `${doh.url.replace('http://', 'http://bz:hunter2@')}?token=s3cret`;
    const loaded = loadConfig({ BZ_HOST: '127.0.0.1', BZ_PORT: '0', BZ_DB: ':memory:', BZ_DOH: withSecrets, BZ_API_KEY: KEY });
    if (!loaded.ok) throw new Error(loaded.error);
    const edge: EdgeServer = await startEdgeServer({ config: loaded.config, hub: { log: () => {} } });
    cleanup.push(() => edge.close());

    // The prober the way `start` embeds one: its doctor's questions go to the edge's DoH, which is silent.
    const enrolled = await enrollAgent(edge.agentStore, 'embedded', { clock: systemClock, random: systemRandom });
    if (!enrolled.ok) throw new Error(enrolled.error);
    const dialed: string[] = [];
    const probe: PortProbe = async (address, port) => {
      dialed.push(`${address}:${port}`);
      return { ok: false, failure: 'timeout' };
    };
    const doctor = createDoctor({ probe, hosts: ['mx.example.test:25'], dnsblZones: [], heloName: undefined });
    const { agent, exit } = await startAgent(edge, enrolled.id, enrolled.secret, scriptedRunner().runner, { doctor });
    cleanup.push(async () => {
      agent.drain();
      await exit;
    });

    await eventually(() => doh.received() > 0, 'the doctor asking DoH');
    const page = await fetch(`${edge.url}/`);
    expect(page.status).toBe(200);
    const health = await fetch(`${edge.url}/v1/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, agents: 1 });

    // A check meanwhile is an outcome with its reason, not a hang.
    const verify = await fetch(`${edge.url}/v1/verify`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ email: 'someone@example.org' }) });
    const checked = await verify.text();
    expect(JSON.parse(checked)).toMatchObject({ verdict: 'unknown', reason: 'dns_error' });

    // /v1/health says DNS is what fails, and names the endpoint without its secrets.
    const dnsHealth = await (await fetch(`${edge.url}/v1/health`)).text();
    expect(JSON.parse(dnsHealth)).toMatchObject({ dns: { ok: false, endpoints: [{ endpoint: doh.url, ok: false, last_failure: { reason: 'timeout' } }] } });
    for (const shown of [checked, dnsHealth]) expect(shown).not.toMatch(/hunter2|s3cret/);

    // The doctor's report, once its lookups failed: port 25 unknown, not blocked, so the prober keeps taking work.
    await eventually(() => (edge.hub.agents()[0]?.doctor.length ?? 0) > 0, 'the doctor report');
    const after = (await (await fetch(`${edge.url}/v1/health`)).json()) as { agents: number; agent_list: { port25: boolean | null; doctor: { name: string; ok: boolean; detail: string }[] }[] };
    expect(after.agents).toBe(1);
    expect(after.agent_list[0]).toMatchObject({ port25: null, doctor: [{ name: 'port25', ok: false }] });
    expect(after.agent_list[0]!.doctor[0]!.detail).toMatch(/^not checked: no host to dial resolves/);
    expect(dialed).toEqual([]);
  }, 30_000);
});
