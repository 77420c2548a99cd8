import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseCidrList } from '../../../net/cidr.ts';
import { createDohClient } from '../../../edge/dns/doh-client.ts';
import type { Fetch } from '../../../edge/dns/fetch-transport.ts';
import { createMxResolver, type MxResolverOptions } from '../../../edge/dns/create-mx-resolver.ts';
import { MxPlan, systemClock, systemRandom } from '../../../protocol/index.ts';
import { ALLOW_NETS, DNS, RECORDS as ZONE, bulkDomain, bulkRecords } from '../../world/world.ts';
import { describeWorld } from '../../support/world-tier.ts';

/**
 * Stage 2 against the test world's real DoH server (dnsdist in front of BIND, on loopback):
 * every world domain must come back with the rule the zone was written for.
 */
const RECORDS = [...ZONE, ...bulkRecords()];
const allow = parseCidrList(ALLOW_NETS);
if (!allow.ok) throw new Error(allow.error);

/** The real fetch, counted: proves what went over the wire. */
function countingFetch(): Fetch & { calls: string[] } {
  const calls: string[] = [];
  const f = (input: string, init: RequestInit) => {
    calls.push(new URL(input).origin);
    return fetch(input, init);
  };
  return Object.assign(f, { calls });
}

function resolver(options: Partial<MxResolverOptions> = {}) {
  return createMxResolver({ endpoints: [DNS.doh], allowNets: allow.ok ? allow.nets : [], clock: systemClock, random: systemRandom, ...options });
}

/** What RECORDS say a host resolves to, CNAMEs followed. */
function addressesOf(host: string): string[] {
  const cname = RECORDS.find((r) => r.name === host && r.type === 'CNAME');
  if (cname) return addressesOf(cname.value);
  return RECORDS.filter((r) => r.name === host && (r.type === 'A' || r.type === 'AAAA')).map((r) => r.value);
}

const RULES: [string, string, string | undefined][] = [
  ['world.test', 'mx', undefined],
  ['catchall.test', 'mx', undefined],
  ['grey.test', 'mx', undefined],
  ['nopipe.test', 'mx', undefined],
  ['failover.test', 'mx', undefined],
  ['blocked.test', 'mx', undefined],
  ['equal.test', 'mx', undefined],
  ['cname.test', 'mx', undefined],
  ['alias.test', 'mx', undefined],
  ['partial.test', 'mx', undefined],
  ['shortttl.test', 'mx', undefined],
  [bulkDomain(0), 'mx', undefined],
  ['implicit.test', 'implicit_mx', undefined],
  ['nullmx.test', 'null_mx', 'null_mx'],
  ['nxdomain.test', 'nxdomain', 'nxdomain'],
  ['nodata.test', 'no_mx', 'no_mx'],
  ['nohost.test', 'mx_unresolvable', 'mx_unresolvable'],
  ['private.test', 'mx_private_address', 'mx_private_address'],
];

describeWorld('MX plans from the real DoH server', () => {
  const mx = resolver();

  it.each(RULES)('%s ⇒ %s', async (domain, rule, reason) => {
    const plan = await mx.plan(domain);
    expect(MxPlan.parse(plan)).toEqual(plan);
    expect(plan.rule, plan.error).toBe(rule);
    expect(plan.reason).toBe(reason);
    if (rule === 'mx' || rule === 'implicit_mx') {
      expect(plan.hosts.length).toBeGreaterThan(0);
      for (const host of plan.hosts) expect(host.addresses.sort()).toEqual(addressesOf(host.host).sort());
      const mxRecords = RECORDS.filter((r) => r.name === domain && r.type === 'MX');
      if (rule === 'mx' && mxRecords.length > 0) {
        const resolvable = mxRecords.filter((r) => addressesOf(r.value.split(' ')[1] ?? '').length > 0);
        expect(plan.hosts.map((h) => h.host).sort()).toEqual(resolvable.map((r) => r.value.split(' ')[1]).sort());
      }
    }
  });

  it('keeps the private hosts of private.test refused, with their addresses', async () => {
    const plan = await mx.plan('private.test');
    expect(plan.hosts.map((h) => [h.host, h.addresses, h.refused])).toEqual([
      ['mx.private.test', [], ['10.0.0.5']],
      ['mx2.private.test', [], ['192.168.1.1']],
    ]);
  });

  it('follows the CNAMEs of alias.test and cname.test', async () => {
    expect((await mx.plan('alias.test')).cnames).toEqual(['world.test']);
    expect((await mx.plan('cname.test')).cnames).toEqual(['mx1.world.test']);
  });

  it('asks two waves for a domain, and nothing for a cached one', async () => {
    const counted = countingFetch();
    const fresh = resolver({ fetch: counted });
    await fresh.plan('equal.test');
    expect(counted.calls).toHaveLength(1 + 3 * 2);
    await fresh.plan('equal.test');
    expect(counted.calls).toHaveLength(7);
  });

  it('speaks POST too', async () => {
    const client = createDohClient({ endpoints: [DNS.doh], maxGetUrl: 10 });
    const result = await client.query({ name: 'world.test', type: 'MX' });
    expect(result.ok && result.answer.answers.map((r) => r.data)).toEqual(['10 mx1.world.test']);
  });
});

describeWorld('failover to the real DoH server', () => {
  let garbage: Server;
  let garbageUrl = '';
  let closedUrl = '';

  beforeAll(async () => {
    garbage = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/dns-message' });
      res.end(Buffer.from('this is not a DNS message at all'));
    });
    await new Promise<void>((r) => garbage.listen(0, '127.0.0.1', r));
    garbageUrl = `http://127.0.0.1:${(garbage.address() as AddressInfo).port}/dns-query`;
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/dns-query`;
    await new Promise((r) => closed.close(r));
  });
  afterAll(() => new Promise((r) => garbage.close(r)));

  it.each([
    ['a closed loopback port', () => closedUrl],
    ['a server that answers garbage', () => garbageUrl],
  ])('gets past %s first in the list', async (_what, first) => {
    const counted = countingFetch();
    const plan = await resolver({ endpoints: [first(), DNS.doh], fetch: counted }).plan('failover.test');
    expect(plan.rule, plan.error).toBe('mx');
    expect(plan.hosts.map((h) => h.host)).toEqual(['mx1.failover.test', 'mx2.failover.test']);
    expect(counted.calls.filter((o) => o === new URL(DNS.doh).origin)).toHaveLength(5);
  });

  it('says dns_error, naming both, when only broken endpoints are listed', async () => {
    const plan = await resolver({ endpoints: [closedUrl, garbageUrl] }).plan('world.test');
    expect(plan).toMatchObject({ rule: 'dns_error', reason: 'dns_error', ttl: 0 });
    expect(plan.error).toContain(closedUrl);
    expect(plan.error).toContain(garbageUrl);
  });
});
