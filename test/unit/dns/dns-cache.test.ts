import { describe, expect, it } from 'vitest';
import { openSqlite } from '../../../edge/adapters/sqlite-node.ts';
import { parseCidrList } from '../../../net/cidr.ts';
import { createMxResolver, type MxResolverOptions } from '../../../edge/dns/create-mx-resolver.ts';
import { cacheSeconds, DEFAULT_TTL_BOUNDS, type DnsCacheStore } from '../../../edge/dns/dns-cache.ts';
import { createDnsCacheStore } from '../../../edge/dns/dns-cache-store.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { RECORDS, type ZoneRecord } from '../../world/world.ts';
import { FakeDoh } from './fake-doh.ts';
import { seeded } from './seeded-random.ts';

const DOH = 'http://127.0.0.1:8101/dns-query';
const allow = parseCidrList('127.0.0.0/8');
const LOOPBACK = allow.ok ? allow.nets : [];

function setup(records: ZoneRecord[] = RECORDS, options: Partial<MxResolverOptions> = {}, clock = new FakeClock()) {
  const doh = new FakeDoh(records);
  const resolver = createMxResolver({ endpoints: [DOH], fetch: doh.fetch, clock, random: seeded(1), allowNets: LOOPBACK, ...options });
  return { doh, clock, resolver };
}

const SEC = 1000;

describe('DNS cache', () => {
  it('answers a repeated plan without any network I/O', async () => {
    const { doh, resolver } = setup();
    const first = await resolver.plan('equal.test');
    const calls = doh.calls.length;
    expect(calls).toBe(7);
    const second = await resolver.plan('equal.test');
    expect(doh.calls.length).toBe(calls);
    expect(second.hosts.map((h) => h.host).sort()).toEqual(first.hosts.map((h) => h.host).sort());
  });

  it('reads nothing from the cache for fresh: true, and keeps the fresh answer', async () => {
    const { doh, resolver } = setup();
    await resolver.plan('world.test');
    await resolver.plan('world.test', { fresh: true });
    expect(doh.count({ name: 'world.test', type: 'MX' })).toBe(2);
    await resolver.plan('world.test');
    expect(doh.count({ name: 'world.test', type: 'MX' })).toBe(2);
  });

  it('keeps a short TTL for the minimum bound, and counts the TTL down', async () => {
    const { doh, clock, resolver } = setup();
    await resolver.plan('shortttl.test');
    await clock.advance(29 * SEC);
    const cached = await resolver.plan('shortttl.test');
    expect(doh.count({ name: 'shortttl.test' })).toBe(1);
    expect(cached.ttl).toBe(1);
    await clock.advance(2 * SEC);
    await resolver.plan('shortttl.test');
    expect(doh.count({ name: 'shortttl.test' })).toBe(2);
  });

  it('keeps a long TTL no longer than the maximum bound', async () => {
    const { doh, clock, resolver } = setup([{ name: 'long.test', type: 'MX', value: '0 .', ttl: 30 * 86_400 }], { ttl: { maxTtl: 600 } });
    await resolver.plan('long.test');
    await clock.advance(599 * SEC);
    expect((await resolver.plan('long.test')).rule).toBe('null_mx');
    expect(doh.calls).toHaveLength(1);
    await clock.advance(2 * SEC);
    await resolver.plan('long.test');
    expect(doh.calls).toHaveLength(2);
  });

  it('caches NXDOMAIN and NODATA for min(SOA TTL, SOA MINIMUM), clamped', async () => {
    const { doh, clock, resolver } = setup();
    await resolver.plan('nxdomain.test');
    await resolver.plan('nodata.test');
    const calls = doh.calls.length;
    await clock.advance(59 * SEC);
    expect((await resolver.plan('nxdomain.test')).rule).toBe('nxdomain');
    expect((await resolver.plan('nodata.test')).rule).toBe('no_mx');
    expect(doh.calls.length).toBe(calls);
    await clock.advance(2 * SEC);
    await resolver.plan('nxdomain.test');
    expect(doh.calls.length).toBe(calls + 1);

    const low = setup(RECORDS, { ttl: { minNegativeTtl: 120 } });
    low.doh.soaTtl = 10;
    await low.resolver.plan('nxdomain.test');
    await low.clock.advance(119 * SEC);
    await low.resolver.plan('nxdomain.test');
    expect(low.doh.calls).toHaveLength(1);
  });

  it('never caches a failure', async () => {
    const { doh, resolver } = setup();
    doh.behaviour[DOH] = 'http500';
    expect((await resolver.plan('world.test')).rule).toBe('dns_error');
    doh.behaviour[DOH] = 'ok';
    expect((await resolver.plan('world.test')).rule).toBe('mx');
    expect(doh.count({ name: 'world.test', type: 'MX' })).toBe(2);
  });

  it('serves from the store what the in-process level forgot, and across restarts', async () => {
    const db = await openSqlite(':memory:');
    const store = countingStore(createDnsCacheStore(db));
    const clock = new FakeClock();
    const first = setup(RECORDS, { cacheStore: store, cacheEntries: 1 }, clock);
    await first.resolver.plan('world.test');
    await first.resolver.plan('catchall.test');
    const calls = first.doh.calls.length;
    await first.resolver.plan('world.test');
    expect(first.doh.calls.length).toBe(calls);
    expect(store.gets).toBeGreaterThan(0);

    const restarted = setup(RECORDS, { cacheStore: store }, clock);
    expect((await restarted.resolver.plan('catchall.test')).hosts[0]?.addresses).toEqual(['127.0.0.21']);
    expect(restarted.doh.calls).toHaveLength(0);
    await db.destroy();
  });

  it('writes the answers of one moment to the store in one statement, each there when its plan is', async () => {
    const db = await openSqlite(':memory:');
    const store = countingStore(createDnsCacheStore(db));
    const { doh, resolver } = setup(RECORDS, { cacheStore: store });
    await Promise.all(['world.test', 'catchall.test', 'equal.test'].map((domain) => resolver.plan(domain)));
    expect(store.writes).toBeLessThan(doh.calls.length / 2);
    const rows = await db.selectFrom('dns_cache').select('key').execute();
    expect(rows).toHaveLength(doh.calls.length);
    await db.destroy();
  });

  it('treats a store that fails as a miss, not an error', async () => {
    const broken: DnsCacheStore = {
      get: () => Promise.reject(new Error('disk on fire')),
      putMany: () => Promise.reject(new Error('disk on fire')),
      purgeExpired: () => Promise.reject(new Error('disk on fire')),
    };
    const { resolver } = setup(RECORDS, { cacheStore: broken });
    expect((await resolver.plan('world.test')).rule).toBe('mx');
  });

  it('purges expired rows from the store as it goes', async () => {
    const db = await openSqlite(':memory:');
    const store = countingStore(createDnsCacheStore(db));
    const { clock, resolver } = setup(RECORDS, { cacheStore: store }, new FakeClock());
    await resolver.plan('world.test');
    await clock.advance(3_600 * SEC);
    await resolver.plan('catchall.test');
    expect(store.purged).toBeGreaterThan(0);
    await db.destroy();
  });
});

describe('cacheSeconds', () => {
  const soa = (negativeTtl: number | null) => ({ rcode: 'NXDOMAIN' as const, answers: [], negativeTtl });
  it('does not cache a negative answer without an SOA (RFC 2308 §5)', () => {
    expect(cacheSeconds(soa(null), DEFAULT_TTL_BOUNDS)).toBe(0);
    expect(cacheSeconds(soa(5), DEFAULT_TTL_BOUNDS)).toBe(30);
    expect(cacheSeconds(soa(900), DEFAULT_TTL_BOUNDS)).toBe(900);
    expect(cacheSeconds(soa(999_999), DEFAULT_TTL_BOUNDS)).toBe(3_600);
  });
});

function countingStore(inner: DnsCacheStore) {
  const counted = {
    gets: 0,
    purged: 0,
    get: (key: string) => {
      counted.gets++;
      return inner.get(key);
    },
    writes: 0,
    putMany: (entries: Parameters<DnsCacheStore['putMany']>[0]) => {
      counted.writes++;
      return inner.putMany(entries);
    },
    purgeExpired: async (now: number) => {
      const n = await inner.purgeExpired(now);
      counted.purged += n;
      return n;
    },
  };
  return counted;
}
