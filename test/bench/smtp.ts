/**
 * SMTP stage benchmark (not a test): npx tsx test/bench/smtp.ts [delayMs=10]
 * Through a delaying TCP proxy on loopback (delayMs per chunk per direction) in front of the
 * world's Postfix at 127.0.0.20 (STARTTLS on), prints addresses/second, round trips, commands
 * and connections per address for (a) one address of a fresh domain, (b) 100 addresses of one domain.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { cidr } from '../../net/cidr.ts';
import { createNetDialer } from '../../prober/adapters/net-dialer.ts';
import { createTaskRunner } from '../../prober/engine/create-task-runner.ts';
import { ProbeTask, type ProbeResult } from '../../protocol/index.ts';
import { startDelayProxy } from '../support/delay-proxy.ts';
import { STARTTLS_ADDRESS, bulkDomain, bulkMailbox } from '../world/world.ts';

const delayMs = Number(process.argv[2] ?? 10);
const proxy = await startDelayProxy({ target: { host: STARTTLS_ADDRESS, port: 25 }, delayMs });
const run = createTaskRunner({
  dialer: createNetDialer(),
  heloName: 'prober.world.test',
  mailFrom: `bench-${randomUUID().slice(0, 8)}@prober.world.test`,
  allowNets: [cidr('127.0.0.0/8')],
  port: proxy.port,
});

// Bulk domains are virtual domains of every listener of the world's Postfix, 127.0.0.20 included.
let nextDomain = 100 + Math.floor(Math.random() * 800);
function task(count: number): ProbeTask {
  const domain = bulkDomain(nextDomain++);
  return ProbeTask.parse({
    id: randomUUID(),
    domain,
    plan: { domain, rule: 'mx', ttl: 60, records: [], hosts: [{ host: 'mx1.world.test', preference: 10, addresses: [proxy.host] }] },
    addresses: Array.from({ length: count }, (_, j) => ({ id: `a${j}`, address: `${bulkMailbox(j)}@${domain}` })),
    deadline_ms: 120_000,
  });
}

async function measure(name: string, perTask: number, tasks: number): Promise<void> {
  const results: ProbeResult[] = [];
  const t0 = performance.now();
  for (let i = 0; i < tasks; i++) results.push(await run(task(perTask)));
  const seconds = (performance.now() - t0) / 1000;
  const addresses = perTask * tasks;
  const sum = (k: 'connections' | 'commands' | 'round_trips') => results.reduce((n, r) => n + r.stats[k], 0);
  const accepted = results.flatMap((r) => r.results).filter((r) => r.smtp.outcome === 'accepted').length;
  console.log(
    `${name}: ${addresses} addresses in ${tasks} task(s), ${seconds.toFixed(2)} s, ${(addresses / seconds).toFixed(1)} addresses/s, ` +
      `${(sum('round_trips') / addresses).toFixed(2)} round trips/address, ${(sum('commands') / addresses).toFixed(2)} commands/address, ` +
      `${(sum('connections') / addresses).toFixed(3)} connections/address (accepted ${accepted}/${addresses})`,
  );
}

console.log(`delaying proxy ${proxy.host}:${proxy.port} → ${STARTTLS_ADDRESS}:25, +${delayMs} ms per chunk per direction`);
await measure('(a) one address of a fresh domain', 1, 20);
await measure('(b) 100 addresses of one domain', 100, 5);
await proxy.close();
