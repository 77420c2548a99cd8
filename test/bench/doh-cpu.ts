/**
 * CPU per domain of stage 2 on Node, through the edge's own stack (the Node DoH transport, the
 * DoH client, the two-level DNS cache on a SQLite file, the MX planner), against the scripted
 * DoH server (bench-dns.ts) in a child process so its CPU is not counted:
 *   npx tsx test/bench/doh-cpu.ts
 * Each round plans 200 domains never asked before (MX, then A and AAAA of the MX host: 600
 * questions), all at once as a bulk job does. The first round is the cold figure (what one bulk
 * job on a fresh edge pays, JIT still compiling); after 5 rounds the next 3 give the warm median.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeDohTransport } from '../../edge/adapters/doh-transport-node.ts';
import { openSqlite } from '../../edge/adapters/sqlite-node.ts';
import { createMxResolver } from '../../edge/dns/create-mx-resolver.ts';
import { createDnsCacheStore } from '../../edge/dns/dns-cache-store.ts';
import { createDohClient } from '../../edge/dns/doh-client.ts';
import { parseCidrList } from '../../net/cidr.ts';
import { startBenchDns, type BenchRecord } from './bench-dns.ts';
import { median } from './cpu-rounds.ts';

const DOMAINS = 200;
const WARM_UP = 5;
const ROUNDS = WARM_UP + 3;
const domain = (round: number, i: number) => `d${round}-${i}.cpu.test`;

async function serve(): Promise<void> {
  const records: BenchRecord[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < DOMAINS; i++) records.push({ name: domain(r, i), type: 'MX', value: `10 mx.${domain(r, i)}` }, { name: `mx.${domain(r, i)}`, type: 'A', value: '127.0.3.1' });
  }
  const dns = await startBenchDns(records, 'cpu.test');
  process.send!({ doh: dns.doh });
}

async function main(): Promise<void> {
  const child = fork(new URL(import.meta.url).pathname, ['serve'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const dir = mkdtempSync(join(tmpdir(), 'bz-doh-cpu-'));
  try {
    const { doh } = await new Promise<{ doh: string }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { doh: string }));
      child.once('exit', (code) => reject(new Error(`the DNS server exited with ${code}`)));
    });
    const db = await openSqlite(join(dir, 'bench.db'));
    const allow = parseCidrList('127.0.0.0/8');
    if (!allow.ok) throw new Error(allow.error);
    const client = createDohClient({ endpoints: [doh], transport: nodeDohTransport() });
    const resolver = createMxResolver({ endpoints: [doh], client, allowNets: allow.nets, cacheStore: createDnsCacheStore(db) });
    const perDomain: number[] = [];
    let cold = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const names = Array.from({ length: DOMAINS }, (_, i) => domain(r, i));
      const before = process.cpuUsage();
      const plans = await Promise.all(names.map((n) => resolver.plan(n)));
      // Let the batched cache writes of the last answers land inside the round.
      await new Promise((resolve) => setTimeout(resolve, 20));
      const used = process.cpuUsage(before);
      const wrong = plans.filter((p) => p.rule !== 'mx' || p.hosts[0]?.addresses[0] !== '127.0.3.1').length;
      if (wrong > 0) throw new Error(`${wrong} plans are not the scripted MX`);
      const ms = (used.user + used.system) / 1000 / DOMAINS;
      console.log(`round ${r}${r < WARM_UP ? ' (warm-up)' : ''}: ${ms.toFixed(3)} CPU ms per domain (user ${(used.user / 1000).toFixed(0)} ms, system ${(used.system / 1000).toFixed(0)} ms)`);
      if (r === 0) cold = ms;
      if (r >= WARM_UP) perDomain.push(ms);
    }
    console.log(`stage 2 on Node, CPU ms per domain (3 DoH questions each): cold ${cold.toFixed(3)}, warm ${median(perDomain).toFixed(3)} (median of ${perDomain.length})`);
    await db.destroy();
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'serve') await serve();
else await main();
