import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { parseCidrList } from '../../../net/cidr.ts';
import { createMxResolver, type MxResolverOptions } from '../../../edge/dns/create-mx-resolver.ts';
import { MxPlan } from '../../../protocol/index.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { RECORDS, type ZoneRecord } from '../../world/world.ts';
import { FakeDoh } from './fake-doh.ts';
import { seeded } from './seeded-random.ts';

const DOH = 'http://127.0.0.1:8101/dns-query';
const LOOPBACK = nets('127.0.0.0/8');

function setup(records: ZoneRecord[] = RECORDS, options: Partial<MxResolverOptions> = {}) {
  const doh = new FakeDoh(records);
  const clock = new FakeClock();
  const resolver = createMxResolver({ endpoints: [DOH], fetch: doh.fetch, clock, random: seeded(1), allowNets: LOOPBACK, ...options });
  return { doh, clock, resolver };
}

function nets(text: string) {
  const parsed = parseCidrList(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.nets;
}

function hosts(plan: MxPlan): string[] {
  return plan.hosts.map((h) => `${h.preference} ${h.host} ${h.addresses.join(',')}${h.refused.length ? ` refused:${h.refused.join(',')}` : ''}`);
}

describe('MX plan rules (the world zone, answered in process)', () => {
  it.each<[string, string, string | undefined, string[]]>([
    ['world.test', 'mx', undefined, ['10 mx1.world.test 127.0.0.20']],
    ['failover.test', 'mx', undefined, ['10 mx1.failover.test 127.0.0.24', '20 mx2.failover.test 127.0.0.25']],
    ['implicit.test', 'implicit_mx', undefined, ['0 implicit.test 127.0.0.27']],
    ['nullmx.test', 'null_mx', 'null_mx', []],
    ['nxdomain.test', 'nxdomain', 'nxdomain', []],
    ['nodata.test', 'no_mx', 'no_mx', []],
    ['nohost.test', 'mx_unresolvable', 'mx_unresolvable', []],
    ['partial.test', 'mx', undefined, ['20 mx1.world.test 127.0.0.20']],
    ['cname.test', 'mx', undefined, ['10 mail.cname.test 127.0.0.20']],
    ['alias.test', 'mx', undefined, ['10 mx1.world.test 127.0.0.20']],
    ['private.test', 'mx_private_address', 'mx_private_address', ['10 mx.private.test  refused:10.0.0.5', '20 mx2.private.test  refused:192.168.1.1']],
  ])('%s ⇒ %s', async (domain, rule, reason, expected) => {
    const { resolver } = setup();
    const plan = await resolver.plan(domain);
    expect(MxPlan.parse(plan)).toEqual(plan);
    expect(plan.rule).toBe(rule);
    expect(plan.reason).toBe(reason);
    expect(hosts(plan)).toEqual(expected);
  });

  it('records the CNAMEs followed and the raw records', async () => {
    const { resolver } = setup();
    const alias = await resolver.plan('alias.test');
    expect(alias.cnames).toEqual(['world.test']);
    expect(alias.records.map((r) => `${r.name} ${r.type} ${r.data}`)).toEqual(['alias.test CNAME world.test', 'world.test MX 10 mx1.world.test', 'mx1.world.test A 127.0.0.20']);
    const cname = await resolver.plan('cname.test');
    expect(cname.cnames).toEqual(['mx1.world.test']);
  });

  it('takes the smallest TTL of the records used, and the SOA minimum for negative plans', async () => {
    const { resolver } = setup();
    expect((await resolver.plan('shortttl.test')).ttl).toBe(2);
    // mx1.world.test has no AAAA: that NODATA (SOA minimum 60) is part of the plan too.
    expect((await resolver.plan('world.test')).ttl).toBe(60);
    expect((await resolver.plan('nxdomain.test')).ttl).toBe(60);
    const { resolver: dualStack } = setup([
      { name: 'ds.test', type: 'MX', value: '10 mx.ds.test', ttl: 900 },
      { name: 'mx.ds.test', type: 'A', value: '127.0.0.44', ttl: 400 },
      { name: 'mx.ds.test', type: 'AAAA', value: '2606:4700::44', ttl: 700 },
    ]);
    expect((await dualStack.plan('ds.test')).ttl).toBe(400);
  });

  it('lists a host with both public and refused addresses, dialing only the allowed ones', async () => {
    const { resolver } = setup(
      [
        { name: 'mixed.test', type: 'MX', value: '10 mx.mixed.test' },
        { name: 'mx.mixed.test', type: 'A', value: '10.1.1.1' },
        { name: 'mx.mixed.test', type: 'A', value: '127.0.0.40' },
        { name: 'mx.mixed.test', type: 'AAAA', value: '::1' },
      ],
      { allowNets: nets('127.0.0.0/8') },
    );
    const plan = await resolver.plan('mixed.test');
    expect(plan.rule).toBe('mx');
    expect(plan.hosts).toEqual([{ host: 'mx.mixed.test', preference: 10, addresses: ['127.0.0.40'], refused: ['10.1.1.1', '::1'] }]);
  });

  it('refuses loopback MX hosts without an allow-list', async () => {
    const { resolver } = setup(RECORDS, { allowNets: [] });
    const plan = await resolver.plan('world.test');
    expect(plan).toMatchObject({ rule: 'mx_private_address', reason: 'mx_private_address' });
    expect(plan.hosts[0]?.refused).toEqual(['127.0.0.20']);
  });

  it('treats a "." beside real MX records as no host (RFC 7505 §4.3)', async () => {
    const { resolver } = setup([
      { name: 'odd.test', type: 'MX', value: '0 .' },
      { name: 'odd.test', type: 'MX', value: '10 mx.odd.test' },
      { name: 'mx.odd.test', type: 'A', value: '127.0.0.41' },
    ]);
    expect(hosts(await resolver.plan('odd.test'))).toEqual(['10 mx.odd.test 127.0.0.41']);
  });

  it('ignores records for names it did not ask about (no poisoning through an answer)', async () => {
    const { resolver, doh } = setup();
    const honest = doh.answer.bind(doh);
    doh.answer = (name, type) => {
      const packet = honest(name, type);
      const extra = [
        { name: 'mx1.world.test', type: 'A' as const, ttl: 86_400, data: '9.9.9.10' },
        { name: 'world.test', type: 'MX' as const, ttl: 86_400, data: { preference: 0, exchange: 'evil.example' } },
      ].filter((r) => r.name !== name);
      return { ...packet, answers: [...(packet.answers ?? []), ...extra] };
    };
    expect(hosts(await resolver.plan('world.test'))).toEqual(['10 mx1.world.test 127.0.0.20']);
    expect(hosts(await resolver.plan('catchall.test'))).toEqual(['10 mx.catchall.test 127.0.0.21']);
    expect(hosts(await resolver.plan('world.test'))).toEqual(['10 mx1.world.test 127.0.0.20']);
  });

  it('ends a CNAME loop instead of following it', async () => {
    const { resolver, doh } = setup([
      { name: 'loop.test', type: 'CNAME', value: 'loop2.test' },
      { name: 'loop2.test', type: 'CNAME', value: 'loop.test' },
    ]);
    const plan = await resolver.plan('loop.test');
    expect(plan.rule).toBe('no_mx');
    expect(doh.calls.length).toBeLessThanOrEqual(3);
  });

  it('follows a CNAME chain across answers when the server stops at an out-of-zone target', async () => {
    const { resolver, doh } = setup([
      { name: 'hop.test', type: 'MX', value: '10 a.hop.test' },
      { name: 'a.hop.test', type: 'CNAME', value: 'b.hop.test' },
      { name: 'b.hop.test', type: 'A', value: '127.0.0.42' },
    ]);
    doh.answer = ((original) =>
      function (this: FakeDoh, name: string, type: string) {
        const packet = original.call(this, name, type);
        // Answer only the first hop of a chain, with no SOA: as an authoritative server does for a target in another zone.
        return { ...packet, answers: packet.answers?.slice(0, 1), authorities: packet.answers?.length ? [] : packet.authorities };
      })(doh.answer);
    expect(hosts(await resolver.plan('hop.test'))).toEqual(['10 a.hop.test 127.0.0.42']);
    expect(doh.count({ name: 'b.hop.test', type: 'A' })).toBe(1);
  });

  it('turns a name no resolver would take into dns_error without asking anyone', async () => {
    const { resolver, doh } = setup();
    for (const bad of ['', 'a..test', `${'x'.repeat(64)}.test`, 'sp ace.test', 'new\nline.test', '-lead.test']) {
      const plan = await resolver.plan(bad);
      expect(plan).toMatchObject({ rule: 'dns_error', reason: 'dns_error', ttl: 0 });
      expect(() => MxPlan.parse(plan)).not.toThrow();
    }
    expect(doh.calls).toHaveLength(0);
  });
});

describe('MX order', () => {
  it('orders by preference and shuffles equal preferences by the injected Random', async () => {
    const orders = new Set<string>();
    for (let seed = 1; seed <= 20; seed++) {
      const { resolver } = setup(RECORDS, { random: seeded(seed) });
      const plan = await resolver.plan('equal.test');
      expect(plan.hosts.map((h) => h.preference)).toEqual([10, 10, 20]);
      expect(plan.hosts[2]?.host).toBe('mx1.world.test');
      orders.add(plan.hosts.map((h) => h.host).join(' '));
    }
    expect(orders).toEqual(new Set(['mxa.equal.test mxb.equal.test mx1.world.test', 'mxb.equal.test mxa.equal.test mx1.world.test']));
  });

  it('gives the same order for the same seed', async () => {
    const order = async () => (await setup(RECORDS, { random: seeded(7) }).resolver.plan('equal.test')).hosts.map((h) => h.host);
    expect(await order()).toEqual(await order());
  });
});

describe('MX plan I/O', () => {
  it('asks the MX, then A and AAAA of every host at once: two waves', async () => {
    const { resolver, doh } = setup();
    await resolver.plan('equal.test');
    expect(doh.calls.map((c) => `${c.wave} ${c.name} ${c.type}`).sort()).toEqual(
      ['1 equal.test MX', '2 mx1.world.test A', '2 mx1.world.test AAAA', '2 mxa.equal.test A', '2 mxa.equal.test AAAA', '2 mxb.equal.test A', '2 mxb.equal.test AAAA'].sort(),
    );
  });

  it('says dns_error, with what failed, when every endpoint fails', async () => {
    const { resolver, doh } = setup();
    doh.behaviour[DOH] = 'http500';
    const plan = await resolver.plan('world.test');
    expect(plan).toMatchObject({ rule: 'dns_error', reason: 'dns_error', hosts: [], ttl: 0 });
    expect(plan.error).toContain('HTTP 500');
  });

  it('says dns_error when the only host could not be resolved, but skips a failing host beside a good one', async () => {
    const doh = new FakeDoh([
      { name: 'two.test', type: 'MX', value: '10 bad.two.test' },
      { name: 'two.test', type: 'MX', value: '20 good.two.test' },
      { name: 'good.two.test', type: 'A', value: '127.0.0.43' },
      { name: 'one.test', type: 'MX', value: '10 bad.two.test' },
    ]);
    const resolver = createMxResolver({ endpoints: [DOH], fetch: failingFor(doh.fetch, 'bad.two.test'), clock: new FakeClock(), random: seeded(1), allowNets: LOOPBACK });
    expect(hosts(await resolver.plan('two.test'))).toEqual(['20 good.two.test 127.0.0.43']);
    expect(await resolver.plan('one.test')).toMatchObject({ rule: 'dns_error', reason: 'dns_error' });
  });

  it('returns dns_error at once when the caller aborts', async () => {
    const { resolver, doh } = setup();
    doh.behaviour[DOH] = 'hang';
    const controller = new AbortController();
    const pending = resolver.plan('world.test', { signal: controller.signal });
    controller.abort();
    expect(await pending).toMatchObject({ rule: 'dns_error' });
  });
});

/** A fetch that answers 503 for questions about one name. */
function failingFor(inner: FakeDoh['fetch'], name: string): FakeDoh['fetch'] {
  return async (input, init) => {
    const query = dnsPacket.decode(Buffer.from(new URL(input).searchParams.get('dns') ?? '', 'base64url'));
    return query.questions?.[0]?.name === name ? new Response('', { status: 503 }) : inner(input, init);
  };
}

describe('address literals', () => {
  it('are their own MX: no DNS question, the private-address guard all the same, never dns_error', async () => {
    const { doh, resolver } = setup();
    const open = await resolver.plan('[127.0.0.20]');
    expect([open.rule, hosts(open)]).toEqual(['implicit_mx', ['0 [127.0.0.20] 127.0.0.20']]);
    const guarded = await resolver.plan('[10.0.0.1]');
    expect([guarded.rule, hosts(guarded)]).toEqual(['mx_private_address', ['0 [10.0.0.1]  refused:10.0.0.1']]);
    const v6 = await resolver.plan('[IPv6:::1]');
    expect(v6.rule).toBe('mx_private_address');
    expect((await resolver.plan('[not-an-ip]')).rule).toBe('no_mx');
    expect(doh.count()).toBe(0);
  });
});
