/**
 * Stage 2 figures against the test world's DoH server (bash test/world/start.sh first):
 *   npx tsx test/bench/dns.ts
 * Prints, for a cold plan, the DoH queries sent and the sequential waves they took; then cold
 * plans per second over the bulk domains, and cached plans per second (in-process and store level).
 */
import { openSqlite } from '../../edge/adapters/sqlite-node.ts';
import { parseCidrList } from '../../net/cidr.ts';
import { createMxResolver } from '../../edge/dns/create-mx-resolver.ts';
import type { Fetch } from '../../edge/dns/fetch-transport.ts';
import { createDnsCacheStore } from '../../edge/dns/dns-cache-store.ts';
import { ALLOW_NETS, BULK, DNS, bulkDomain } from '../world/world.ts';

const allow = parseCidrList(ALLOW_NETS);
if (!allow.ok) throw new Error(allow.error);
const allowNets = allow.nets;

/** The real fetch, recording each query's wave: 1 + the deepest query finished before it started. */
function wavesFetch() {
  const finished: number[] = [];
  const waves: number[] = [];
  const f: Fetch = async (input, init) => {
    const wave = 1 + Math.max(0, ...finished);
    waves.push(wave);
    try {
      return await fetch(input, init);
    } finally {
      finished.push(wave);
    }
  };
  return { fetch: f, waves };
}

async function cold(domain: string): Promise<void> {
  const w = wavesFetch();
  const plan = await createMxResolver({ endpoints: [DNS.doh], allowNets, fetch: w.fetch }).plan(domain);
  console.log(`cold ${domain}: rule ${plan.rule}, ${plan.hosts.length} host(s), ${w.waves.length} DoH queries in ${Math.max(...w.waves)} waves`);
}

async function rate(label: string, ms: number, run: () => Promise<unknown>): Promise<void> {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 100; i++) await run();
    n += 100;
  }
  console.log(`${label}: ${Math.round((n * 1000) / (performance.now() - start)).toLocaleString('en')} plans/s`);
}

const up = await fetch(`${DNS.doh}?dns=AAABAAABAAAAAAAABXdvcmxkBHRlc3QAAA8AAQ`).then((r) => r.ok, () => false);
if (!up) {
  console.error(`DoH is not up at ${DNS.doh}: run bash test/world/start.sh`);
  process.exit(1);
}

for (const domain of ['world.test', 'equal.test', 'implicit.test', 'alias.test', 'nxdomain.test']) await cold(domain);

const domains = Math.min(BULK.domains, 300);
const bulk = createMxResolver({ endpoints: [DNS.doh], allowNets });
const started = performance.now();
for (let i = 0; i < domains; i += 20) await Promise.all(Array.from({ length: Math.min(20, domains - i) }, (_, j) => bulk.plan(bulkDomain(i + j))));
console.log(`cold bulk: ${domains} domains, 20 at a time: ${Math.round((domains * 1000) / (performance.now() - started))} plans/s`);

const lru = createMxResolver({ endpoints: [DNS.doh], allowNets });
await lru.plan('equal.test');
await rate('cached (in-process LRU)', 2_000, () => lru.plan('equal.test'));

const db = await openSqlite(':memory:');
const stored = createMxResolver({ endpoints: [DNS.doh], allowNets, cacheStore: createDnsCacheStore(db), cacheEntries: 1 });
await stored.plan('equal.test');
await rate('cached (SQLite level, LRU of 1 entry)', 2_000, () => stored.plan('equal.test'));
await db.destroy();
