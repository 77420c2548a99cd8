/**
 * A hosting provider's mail server that allows one session of a client at a time (Exchange,
 * Rackspace and many corporate servers hold a sender to one or two): 40 domains (or the
 * argument's number) share its one MX, 25 ms away each way, and a second session while one is
 * open is turned away at its banner with Postfix's "421 4.7.0 … too many connections" (the
 * delaying proxy's maxOpen). With `--per-minute N` the server allows any number at once but N
 * begun a minute (Postfix's rate limit, in the same words) instead. One job of three addresses a
 * domain through BounceZero as `bouncezero start` composes it; prints how long the job took and
 * what the server saw.
 *
 *   npx tsx test/bench/one-session-server.ts [domains] [--per-minute N]
 */
import { parseArgs } from 'node:util';
import { startDelayProxy } from '../support/delay-proxy.ts';
import { jobClient, waitForJob } from '../support/job-client.ts';
import { startBenchDns } from './bench-dns.ts';
import { startBenchMx } from './bench-mx.ts';
import { BENCH_KEY, startEmbeddedBounceZero } from './embedded-bouncezero.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'per-minute': { type: 'string' } } });
const DOMAINS = Number(positionals[0] ?? 40);
const perMinute = values['per-minute'] === undefined ? undefined : Number(values['per-minute']);
const limit = perMinute === undefined ? { maxOpen: 1 } : { maxPerMinute: perMinute };
const MX = { host: 'mx.hosting.test', address: '127.0.3.1' };
const domains = Array.from({ length: DOMAINS }, (_, i) => `tenant${String(i).padStart(2, '0')}.hosting.test`);
const exists = (local: string) => local.startsWith('user');
const list = domains.flatMap((d) => ['user1', 'user2', 'gone'].map((local) => ({ email: `${local}@${d}`, expected: exists(local) ? 'deliverable' : 'undeliverable' })));

const dns = await startBenchDns([{ name: MX.host, type: 'A', value: MX.address }, ...domains.map((name) => ({ name, type: 'MX' as const, value: `10 ${MX.host}` }))], 'hosting.test');
const mx = await startBenchMx({ domains: new Set(domains), catchAll: new Set(), exists });
const proxy = await startDelayProxy({ target: { host: '127.0.0.1', port: mx.port }, listen: { host: MX.address, port: 25 }, delayMs: 25, clientLines: false, ...limit });
// The job's first retry of a busy server comes after BZ_JOB_BUSY_RETRY_MS (30 s by default).
const bz = await startEmbeddedBounceZero({ BZ_DOH: dns.doh });
try {
  const client = jobClient(bz.url, BENCH_KEY);
  const started = Date.now();
  const id = await client.submit(list.map((a) => a.email));
  const report = await waitForJob(client, id, { limitMs: 30 * 60_000 });
  const seconds = (Date.now() - started) / 1000;
  const rows = await client.results(id);
  const expected = new Map(list.map((a) => [a.email, a.expected]));
  const right = rows.filter((r) => r.verdict === expected.get(r.email)).length;
  await proxy.drained();
  const counts = mx.counts();
  console.log(`${list.length} addresses over ${DOMAINS} domains on one MX that allows ${perMinute === undefined ? 'one session at a time' : `${perMinute} new sessions a minute`}, 25 ms each way`);
  console.log(`job ${report.status} in ${seconds.toFixed(2)} s; ${right}/${rows.length} verdicts right`);
  console.log(`connections ${proxy.connections}, turned away ${proxy.turnedAway}, most open at once ${proxy.peakOpen}; sessions ${counts.sessions}, MAIL FROMs ${counts.mailFroms}, RCPTs ${counts.rcpts}`);
} finally {
  await bz.close();
  await proxy.close();
  await mx.close();
  await dns.close();
}
