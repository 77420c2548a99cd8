/**
 * The doctor reports our identity and standing as the engine met them: a HELO name that is no
 * fully-qualified name resolving to the egress address (warned at the first run, at start), HELO
 * refusals seen on the wire, providers backed off for refusing our IP. Loopback names only.
 */
import { describe, expect, it } from 'vitest';
import type { DnsAnswer } from '../../../prober/agent/agent-session.ts';
import { createDoctor, type Check } from '../../../prober/doctor/doctor.ts';
import { heloNameProblem } from '../../../prober/doctor/helo-name.ts';
import { HeloRefusals } from '../../../prober/pool/helo-refusals.ts';
import { ProviderBackoff } from '../../../prober/pool/provider-backoff.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { FakeNetwork } from '../smtp/fake-smtp.ts';
import { makeTask, runnerFor, settle } from '../smtp/harness.ts';

const zone = (records: Record<string, string[]>) => async (name: string, qtype: string): Promise<DnsAnswer> => {
  const answers = records[`${qtype} ${name}`];
  return answers ? { rcode: 'NOERROR', answers } : { rcode: 'NXDOMAIN', answers: [] };
};
const noPort = async () => ({ ok: true as const });

async function runDoctor(heloName: string, extra: Partial<Parameters<typeof createDoctor>[0]> = {}) {
  const warned: Check[] = [];
  const doctor = createDoctor({ probe: noPort, hosts: [], dnsblZones: [], heloName, warn: (c) => warned.push(c), ...extra });
  const lookup = zone({ 'A prober.world.test': ['127.0.0.1'], 'PTR 1.0.0.127.in-addr.arpa': ['prober.world.test.'], 'A other.world.test': ['127.0.0.9'] });
  const report = await doctor({ observedAddress: '127.0.0.1', lookup });
  return { checks: Object.fromEntries(report.checks.map((c) => [c.name, c])), warned: warned.map((c) => c.name) };
}

describe('HELO name at start', () => {
  it('tells a fully-qualified name from the others', () => {
    expect(heloNameProblem('prober.world.test')).toBeUndefined();
    expect(heloNameProblem('mx-1.example.co.uk.')).toBeUndefined();
    for (const bad of ['prober', 'prober.local', 'localhost', 'box.localdomain', '[192.0.2.1]', '192.0.2.1', 'bad_name.example.test', '-x.example.test']) {
      expect(heloNameProblem(bad), bad).toBeDefined();
    }
  });

  it('a short name is warned about, through the doctor, and so is a name that resolves elsewhere', async () => {
    const short = await runDoctor('prober');
    expect(short.checks.helo_fqdn?.ok).toBe(false);
    expect(short.warned).toEqual(['helo_fqdn', 'helo_resolves']);
    const elsewhere = await runDoctor('other.world.test');
    expect(elsewhere.warned).toEqual(['helo_resolves']);
    expect(elsewhere.checks.helo_resolves?.detail).toContain('127.0.0.9');
  });

  it('a fully-qualified name that resolves to the egress address warns of nothing', async () => {
    const good = await runDoctor('prober.world.test');
    expect(good.warned).toEqual([]);
    expect([good.checks.helo_fqdn?.ok, good.checks.helo_resolves?.ok, good.checks.fcrdns?.ok]).toEqual([true, true, true]);
  });
});

describe('what the engine saw, in the doctor', () => {
  it('reports the HELO refusals the engine met on the wire', async () => {
    const clock = new FakeClock();
    const heloRefusals = new HeloRefusals(clock);
    const network = new FakeNetwork({ '192.0.2.10': { rcpt: () => '504 5.5.2 <prober>: Helo command rejected: need fully-qualified hostname' } }, clock);
    const before = await runDoctor('prober', { heloRefusals: () => heloRefusals.read() });
    expect(before.checks.helo_refused?.ok).toBe(true);
    await settle(clock, runnerFor(network, clock, { heloName: 'prober', heloRefusals })(makeTask('helo.test', ['alice'], [['mx.helo.test', '192.0.2.10']], { catch_all: false })));
    const after = await runDoctor('prober', { heloRefusals: () => heloRefusals.read() });
    expect(after.checks.helo_refused?.ok).toBe(false);
    expect(after.checks.helo_refused?.detail).toContain('1 refusal(s) of our HELO name "prober", the last from mx.helo.test: 504');
    expect(after.warned).toContain('helo_refused');
  });

  it('EHLO and HELO both refused count too', async () => {
    const clock = new FakeClock();
    const heloRefusals = new HeloRefusals(clock);
    const refuse = '550 5.7.1 Access denied';
    const network = new FakeNetwork({ '192.0.2.10': { ehloReply: refuse, onLine: (l) => (l.startsWith('HELO') ? refuse : undefined) } }, clock);
    await settle(clock, runnerFor(network, clock, { heloRefusals })(makeTask('helo2.test', ['alice'], [['mx.helo2.test', '192.0.2.10']], { catch_all: false })));
    expect(heloRefusals.read().count).toBe(1);
  });

  it('reports the providers backed off, and none once the back-off is over', async () => {
    const clock = new FakeClock();
    const providers = new ProviderBackoff({ clock });
    const network = new FakeNetwork({ '192.0.2.10': { banner: '554 5.7.1 Service unavailable; Client host [192.0.2.99] blocked using zen.spamhaus.org' } }, clock);
    await settle(clock, runnerFor(network, clock, { providers })(makeTask('blocked.test', ['alice'], [['mx1.provider.test', '192.0.2.10']], { catch_all: false })));
    const during = await runDoctor('prober.world.test', { providerBlocks: () => providers.active() });
    expect(during.checks.provider_backoff?.ok).toBe(false);
    expect(during.checks.provider_backoff?.detail).toMatch(/provider\.test until .*mx1\.provider\.test: 554 5\.7\.1 Service unavailable/);
    await clock.advance(60 * 60_000);
    const after = await runDoctor('prober.world.test', { providerBlocks: () => providers.active() });
    expect(after.checks.provider_backoff?.ok).toBe(true);
  });
});
