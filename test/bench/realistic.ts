/**
 * Throughput on the shape of a real list: 1,000 addresses over 200 domains (five a domain, a
 * quarter of the domains catch-all), each domain with its own mail server on its own loopback
 * address 25 ms away each way (test/bench/realistic-world.ts), every connection through a
 * delaying, counting proxy. The best npm peers and BounceZero run side by side in one run; every
 * count comes from the world (proxies and the SMTP server), none from a verifier.
 *
 *   npx tsx test/bench/realistic.ts [--peers deep-email-validator,email-deep-validator] [--singles 25] [--runs 1] [--domains 200]
 *
 * BounceZero is `bouncezero start` (as `npm start` runs it) with default settings; the only
 * environment it gets is where the world is (BZ_DOH, BZ_ALLOW_NETS) and that it must not dial
 * the internet for its self-check (BZ_DOCTOR_HOSTS, BZ_DNSBL_ZONES). The bulk list goes in as
 * one job over HTTP. Then `--singles` single checks of fresh domains, one at a time, through
 * POST /v1/verify, with STARTTLS as by default and with BZ_SMTP_TLS=off.
 * The peers verify each address on its own, two at a time per server (polite).
 */
import { fork, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { CLASSES, type Verdict } from './bench-addresses.ts';
import { bounded, deepEmailValidator, emailDeepValidator, runPolitely, type PeerVerify } from './peer-verifiers.ts';
import { pointNodeDnsAt } from './world-proxies.ts';
import { REALISTIC, realisticAddresses, realisticDomains, type RealisticAddress } from './realistic-world.ts';
import type { WorldMessage, WorldTotals } from './realistic-world-process.ts';
import { jobClient, waitForJob } from '../support/job-client.ts';
import { envWithoutSettings } from '../support/env-without-settings.ts';

const { values } = parseArgs({ options: { peers: { type: 'string' }, singles: { type: 'string' }, 'per-server': { type: 'string' }, runs: { type: 'string' }, domains: { type: 'string' } } });
const PEERS: Record<string, () => PeerVerify> = { 'deep-email-validator': () => deepEmailValidator, 'email-deep-validator': emailDeepValidator };
const peerNames = (values.peers ?? 'deep-email-validator,email-deep-validator').split(',').filter((p) => p !== '');
const unknownPeers = peerNames.filter((p) => !(p in PEERS));
if (unknownPeers.length > 0) usage(`unknown peer ${unknownPeers.join(', ')}: --peers takes ${Object.keys(PEERS).join(', ')} (comma-separated), or '' for none`);
const singles = count('singles', 25);
const perServer = count('per-server', 2);
// Two cores shared with the world make one run vary by ±15 %: --runs N runs each BounceZero
// setting N times (alternating) and reports the median run, with every run's seconds.
const repeats = Math.max(1, Math.floor(Number(values.runs ?? 1)) || 1);
const KEY = 'realistic-bench-key-0123456789abcdef';

/** A whole-number option, or a clear message and exit: a bench run on NaN domains measures nothing. */
function count(name: 'singles' | 'per-server' | 'domains', fallback: number): number {
  const raw = values[name];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 0 || (name !== 'singles' && n === 0)) usage(`--${name} takes a whole number${name === 'singles' ? '' : ' above 0'}, not ${JSON.stringify(raw)}`);
  return n;
}

function usage(message: string): never {
  process.stderr.write(`realistic.ts: ${message}\n`);
  process.exit(2);
}

interface Run {
  name: string;
  got: Map<string, { verdict: Verdict; detail: string }>;
  seconds: number;
  totals: WorldTotals;
  /** When (Date.now()) the list went in, for runs that time themselves from the upload. */
  uploadedAt?: number;
}

// --domains scales the list (five addresses a domain) to see whether the pace holds on a longer one.
const domainCount = count('domains', REALISTIC.domains);
const all = realisticDomains(domainCount + singles);
const bulkDomains = all.slice(0, domainCount);
const singleDomains = all.slice(domainCount);
const list = realisticAddresses(bulkDomains);
const world = await startWorld(all.length);
// The peers resolve MX through node's resolver and connect by name: both answered by the world's DNS.
pointNodeDnsAt(`${world.udp.address}:${world.udp.port}`);
process.stdout.write(`${list.length} addresses over ${bulkDomains.length} domains (${bulkDomains.filter((d) => d.catchAll).length} catch-all), one server each, ${REALISTIC.delayMs} ms each way\n`);

const runs: Run[] = [];
try {
  const settings: { name: string; env: Record<string, string> }[] = [
    { name: 'BounceZero', env: {} },
    { name: 'BZ, BZ_SMTP_TLS=off', env: { BZ_SMTP_TLS: 'off' } },
  ];
  // The world's own code (proxies, DNS, SMTP server) is compiled by the JIT during its first
  // run, which made whichever run came first about 30 % slower: one run, not counted, warms it.
  await measure('warm-up (not counted)', () => bulkJob(list));
  const repeated = settings.map(() => [] as Run[]);
  for (let i = 0; i < repeats; i++) for (const [j, s] of settings.entries()) repeated[j]!.push(await measure(s.name, () => bulkJob(list, s.env)));
  for (const [j, s] of settings.entries()) {
    const byTime = repeated[j]!.slice().sort((a, b) => a.seconds - b.seconds);
    runs.push(byTime[Math.floor((byTime.length - 1) / 2)]!);
    if (repeats > 1) process.stdout.write(`${s.name}: ${repeats} runs, ${repeated[j]!.map((r) => r.seconds.toFixed(2)).join(' ')} s (median ${runs.at(-1)!.seconds.toFixed(2)} s, slowest ${(list.length / byTime.at(-1)!.seconds).toFixed(0)} addresses/s)\n`);
  }
  for (const name of peerNames) runs.push(await measure(name, () => runPolitely(list, bounded(PEERS[name]!(), 15_000), perServer)));
  report(list, runs);
  if (singles > 0) {
    const lines = ['', `single checks of fresh domains through POST /v1/verify, one at a time (${singles} each):`];
    for (const tls of ['opportunistic', 'off'] as const) lines.push(await singleChecks(tls));
    process.stdout.write(`${lines.join('\n')}\n`);
  }
} finally {
  world.close();
}
process.exit(0);

/** `work` may time itself (from upload to the last result, leaving out start and stop). */
async function measure(name: string, work: () => Promise<Run['got'] | { got: Run['got']; seconds: number; uploadedAt: number }>): Promise<Run> {
  await world.reset();
  const started = performance.now();
  const done = await work();
  const timed = done instanceof Map ? { got: done, seconds: (performance.now() - started) / 1000 } : done;
  process.stdout.write(`${name}: done in ${timed.seconds.toFixed(1)} s\n`);
  return { name, ...timed, totals: await world.totals() };
}

async function bulkJob(addresses: RealisticAddress[], env: Record<string, string> = {}): Promise<{ got: Run['got']; seconds: number; uploadedAt: number }> {
  const bz = await startBounceZero(env);
  try {
    const client = jobClient(bz.url, KEY);
    const cpuBefore = bz.cpuSeconds();
    const edgeBefore = bz.edgeCpuSeconds();
    const started = performance.now();
    const uploadedAt = Date.now();
    const id = await client.submit(addresses.map((a) => a.email));
    const marks = [1, ...[0.1, 0.5, 0.9, 1].map((share) => Math.ceil(share * addresses.length))];
    const seen: string[] = [];
    const final = await waitForJob(client, id, {
      limitMs: 300_000,
      pollMs: 50,
      onProgress: (r) => {
        while (marks.length > 0 && r.done >= marks[0]!) seen.push(`${marks.shift()} at ${((performance.now() - started) / 1000).toFixed(1)} s`);
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const cpu = bz.cpuSeconds() - cpuBefore;
    const edgeCpu = bz.edgeCpuSeconds() - edgeBefore;
    process.stdout.write(`BounceZero${Object.keys(env).length ? ` (${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')})` : ''} results: ${seen.join(', ')}; its CPU time ${cpu.toFixed(1)} s (edge thread ${edgeCpu.toFixed(2)} s) in ${seconds.toFixed(1)} s (load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores)\n`);
    if (final.status !== 'completed') process.stdout.write(`BounceZero job not completed: ${JSON.stringify(final)}\n`);
    const got: Run['got'] = new Map();
    for (const row of await client.results(id)) got.set(row.email, { verdict: (row.verdict ?? 'unknown') as Verdict, detail: row.reason ?? 'no result' });
    return { got, seconds, uploadedAt };
  } finally {
    await bz.close();
  }
}

/** p50 and the world's counts per check; each check is a domain nobody asked about before. */
async function singleChecks(tls: 'opportunistic' | 'off'): Promise<string> {
  const bz = await startBounceZero(tls === 'off' ? { BZ_SMTP_TLS: 'off' } : {});
  try {
    await world.reset();
    const times: number[] = [];
    const domains = tls === 'off' ? singleDomains.slice().reverse() : singleDomains;
    for (const d of domains) {
      const started = performance.now();
      const res = await fetch(`${bz.url}/v1/verify`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ email: `user1@${d.name}`, fresh: true }) });
      await res.json();
      times.push(performance.now() - started);
    }
    const t = await world.totals();
    times.sort((a, b) => a - b);
    const p50 = times[Math.floor(times.length / 2)]!;
    const rtt = 2 * REALISTIC.delayMs;
    return `  BZ_SMTP_TLS=${tls.padEnd(14)} p50 ${p50.toFixed(0)} ms (${(p50 / rtt).toFixed(1)} round trips of ${rtt} ms); client writes/check ${(t.clientChunks / domains.length).toFixed(1)}, connections/check ${(t.connections / domains.length).toFixed(2)}, TLS sessions ${t.tlsSessions}`;
  } finally {
    await bz.close();
  }
}

/** `bouncezero start` in its own process, told only where the world is. */
async function startBounceZero(extra: Record<string, string>): Promise<{ url: string; cpuSeconds(): number; edgeCpuSeconds(): number; close(): Promise<void> }> {
  const env = envWithoutSettings();
  Object.assign(env, {
    BZ_DB: join(mkdtempSync(join(tmpdir(), 'bz-realistic-')), 'bz.db'),
    BZ_PORT: '0',
    BZ_DOH: world.doh,
    BZ_ALLOW_NETS: REALISTIC.network,
    BZ_API_KEY: KEY,
    BZ_DOCTOR_HOSTS: '',
    BZ_DNSBL_ZONES: '',
    BZ_HELO_NAME: 'prober.realistic.test',
    BZ_RATE_LIMIT_RPS: '0',
    ...extra,
  });
  const logFile = join(dirname(env.BZ_DB!), 'stderr.log');
  // BENCH_PROFILE=1: a CPU profile of BounceZero (node --cpu-prof) beside its log.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${dirname(logFile)}`] : [];
  const child = spawn(process.execPath, [...profile, join(import.meta.dirname, '../../bin/bouncezero.js'), 'start'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (c: Buffer) => {
    log = (log + c.toString()).slice(-20_000);
    appendFileSync(logFile, c);
  });
  process.stdout.write(`bouncezero start${Object.keys(extra).map((k) => ` ${k}=${extra[k]}`).join('')}: log in ${logFile}\n`);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m = /listening on (https?:\/\/\S+)/.exec(log);
    if (m) {
      // The embedded prober connects right after the edge listens; wait for it to be healthy.
      for (;;) {
        const health = (await (await fetch(`${m[1]}/v1/health`)).json()) as { agents: number };
        if (health.agents > 0) break;
        if (Date.now() > deadline) throw new Error(`no prober connected: ${log}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      // utime + stime of /proc/PID/stat, in clock ticks of 1/100 s.
      const ticks = (stat: string) => readFileSync(stat, 'utf8').split(') ')[1]!.split(' ').slice(11, 13).reduce((n, t) => n + Number(t), 0) / 100;
      const cpuSeconds = () => ticks(`/proc/${child.pid}/stat`);
      // The main thread's task has the process's id: the edge; the embedded prober runs on a worker thread.
      const edgeCpuSeconds = () => ticks(`/proc/${child.pid}/task/${child.pid}/stat`);
      return { url: m[1]!, cpuSeconds, edgeCpuSeconds, close: async () => (child.kill('SIGTERM'), await exited) };
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`bouncezero start did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function startWorld(domains: number) {
  // BENCH_PROFILE=1: the world's own CPU profile too, in a directory of its own.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${mkdtempSync(join(tmpdir(), 'bz-realistic-world-'))}`] : [];
  const child = fork(join(import.meta.dirname, 'realistic-world-process.ts'), [], { execArgv: ['--import', 'tsx', ...profile], env: { ...process.env, BENCH_DOMAINS: String(domains) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () => new Promise<WorldMessage>((resolve) => child.once('message', (m) => resolve(m as WorldMessage)));
  const ready = await next();
  if (ready.type !== 'ready') throw new Error('the world did not start');
  return {
    doh: ready.doh,
    udp: ready.udp,
    reset: async () => {
      child.send({ type: 'reset' });
      await next();
    },
    totals: async () => {
      child.send({ type: 'totals' });
      const m = await next();
      if (m.type !== 'totals') throw new Error('unexpected world message');
      return m.totals;
    },
    close: () => child.send({ type: 'exit' }),
  };
}

function report(addresses: RealisticAddress[], results: Run[]): void {
  const n = addresses.length;
  const pad = (s: string | number) => String(s).padStart(22);
  const row = (label: string, f: (r: Run) => string | number) => `${label.padEnd(26)}${results.map((r) => pad(f(r))).join('')}`;
  const accuracy = (r: Run) => addresses.filter((a) => r.got.get(a.email)?.verdict === a.expected).length / n;
  const out = ['', row('', (r) => r.name)];
  for (const c of CLASSES) {
    const of = addresses.filter((a) => a.expected === c);
    if (of.length > 0) out.push(row(`${c} (${of.length})`, (r) => `${((100 * of.filter((a) => r.got.get(a.email)?.verdict === c).length) / of.length).toFixed(1)}%`));
  }
  out.push(row('accuracy', (r) => `${(100 * accuracy(r)).toFixed(1)}%`));
  out.push(row('seconds', (r) => r.seconds.toFixed(1)));
  out.push(row('addresses/s', (r) => (n / r.seconds).toFixed(1)));
  out.push(row('connections/address', (r) => (r.totals.connections / n).toFixed(3)));
  out.push(row('sessions/domain', (r) => (r.totals.connections / bulkDomains.length).toFixed(2)));
  out.push(row('RCPTs/address', (r) => (r.totals.rcpts / n).toFixed(2)));
  out.push(row('max sessions at a server', (r) => r.totals.peakPerServer));
  out.push(row('first SMTP connection', (r) => (r.uploadedAt !== undefined && r.totals.firstConnectionAt !== undefined ? `${((r.totals.firstConnectionAt - r.uploadedAt) / 1000).toFixed(2)} s after upload` : '')));
  out.push(row('TLS sessions (resumed)', (r) => `${r.totals.tlsSessions} (${r.totals.tlsResumed})`));
  out.push(row('world CPU seconds', (r) => r.totals.cpuSeconds.toFixed(1)));
  const peers = results.filter((r) => r.name in PEERS);
  const bz = results.find((r) => r.name === 'BounceZero');
  if (bz && peers.length > 0) {
    const fastest = peers.reduce((a, b) => (a.seconds < b.seconds ? a : b));
    out.push('', `BounceZero vs the fastest polite peer (${fastest.name}): ${(fastest.seconds / bz.seconds).toFixed(1)}x`);
  }
  for (const r of results) {
    const wrong = addresses.filter((a) => r.got.get(a.email)?.verdict !== a.expected);
    if (wrong.length > 0) out.push(`${r.name}: ${wrong.length} wrong, e.g. ${wrong.slice(0, 3).map((a) => `${a.email} expected ${a.expected} got ${r.got.get(a.email)?.verdict} (${r.got.get(a.email)?.detail})`).join('; ')}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}
