import { describe, expect, it } from 'vitest';
import { createDoctor, type PortProbe } from '../../../prober/doctor/doctor.ts';
import { ptrName, reversedLabels } from '../../../prober/doctor/reverse-name.ts';

import type { DnsAnswer } from '../../../prober/agent/agent-session.ts';

/** A zone as a map: `${qtype} ${name}` → answers; anything else is NXDOMAIN. */
function zone(records: Record<string, string[]>) {
  const asked: string[] = [];
  const lookup = async (name: string, qtype: string): Promise<DnsAnswer> => {
    asked.push(`${qtype} ${name}`);
    const answers = records[`${qtype} ${name}`];
    return answers ? { rcode: 'NOERROR', answers } : { rcode: 'NXDOMAIN', answers: [] };
  };
  return { lookup, asked };
}

function dialer(open: string[]): { probe: PortProbe; dialed: string[] } {
  const dialed: string[] = [];
  const probe: PortProbe = async (address, port) => {
    dialed.push(`${address}:${port}`);
    return open.includes(`${address}:${port}`) ? { ok: true } : { ok: false, failure: 'timeout' };
  };
  return { probe, dialed };
}

const WORLD = {
  'A prober.world.test': ['127.0.0.1'],
  'PTR 1.0.0.127.in-addr.arpa': ['prober.world.test.'],
  'A 1.0.0.127.listed.dnsbl.test': ['127.0.0.2'],
  'A mx.example.test': ['127.0.0.20'],
};

describe('prober doctor', () => {
  it('reverses IPv4 and IPv6 addresses', () => {
    expect(ptrName('127.0.0.1')).toBe('1.0.0.127.in-addr.arpa');
    expect(ptrName('2001:db8::1')).toBe(`1.${'0.'.repeat(23)}8.b.d.0.1.0.0.2.ip6.arpa`);
    expect(reversedLabels('mx.example.test')).toBeNull();
    expect(reversedLabels('1:2:3')).toBeNull();
  });

  it('passes FCrDNS, finds the listing and reaches port 25 through a name it resolves', async () => {
    const dns = zone(WORLD);
    const dial = dialer(['127.0.0.20:25']);
    const doctor = createDoctor({ probe: dial.probe, hosts: ['127.0.0.24:25', 'mx.example.test:25'], dnsblZones: ['listed.dnsbl.test', 'clean.dnsbl.test'], heloName: 'prober.world.test' });
    const report = await doctor({ observedAddress: '127.0.0.1', lookup: dns.lookup });
    expect(report.port25).toBe(true);
    expect(dial.dialed).toEqual(['127.0.0.24:25', '127.0.0.20:25']);
    expect(Object.fromEntries(report.checks.map((c) => [c.name, c.ok]))).toEqual({
      port25: true,
      helo_fqdn: true,
      helo_resolves: true,
      fcrdns: true,
      'dnsbl:listed.dnsbl.test': false,
      'dnsbl:clean.dnsbl.test': true,
    });
  });

  it('reports port 25 blocked and a name that does not point back', async () => {
    const doctor = createDoctor({ probe: dialer([]).probe, hosts: ['127.0.0.24:25'], dnsblZones: [], heloName: 'elsewhere.world.test' });
    const report = await doctor({ observedAddress: '127.0.0.1', lookup: zone({ ...WORLD, 'A elsewhere.world.test': ['127.0.0.99'] }).lookup });
    expect(report.port25).toBe(false);
    expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
      ['port25', false],
      ['helo_fqdn', true],
      ['helo_resolves', false],
      ['fcrdns', false],
    ]);
    expect(report.checks[0]?.detail).toContain('127.0.0.24:25: timeout');
  });

  it('does not call port 25 blocked when DNS fails (offline): nothing was dialed, so it is unknown', async () => {
    const dial = dialer([]);
    const servfail = async (): Promise<DnsAnswer> => ({ rcode: 'SERVFAIL', answers: [] });
    const doctor = createDoctor({ probe: dial.probe, hosts: ['mx.example.test:25', 'mx2.example.test:25'], dnsblZones: [], heloName: undefined });
    const report = await doctor({ observedAddress: '127.0.0.1', lookup: servfail });
    expect(report.port25).toBeNull();
    expect(dial.dialed).toEqual([]);
    expect(report.checks).toEqual([{ name: 'port25', ok: false, detail: 'not checked: no host to dial resolves (DNS failing?): mx.example.test:25: does not resolve (SERVFAIL); mx2.example.test:25: does not resolve (SERVFAIL)' }]);
    // One host that resolves and cannot be reached is evidence again.
    const mixed = await doctor({ observedAddress: '127.0.0.1', lookup: async (name) => (name === 'mx2.example.test' ? { rcode: 'NOERROR', answers: ['127.0.0.20'] } : servfail()) });
    expect(mixed.port25).toBe(false);
    expect(dial.dialed).toEqual(['127.0.0.20:25']);
  });

  it('turns checks off when their settings are empty', async () => {
    const dns = zone(WORLD);
    const report = await createDoctor({ probe: dialer([]).probe, hosts: [], dnsblZones: [], heloName: undefined })({ observedAddress: '127.0.0.1', lookup: dns.lookup });
    expect(report).toEqual({ port25: null, checks: [] });
    expect(dns.asked).toEqual([]);
  });
});
