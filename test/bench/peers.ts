/**
 * BounceZero beside the npm peers `deep-email-validator` and `email-deep-validator`, on one
 * address list over the local test world (test/world/world.ts), every SMTP connection through
 * delaying, counting proxies (10 ms each way). Connections and commands are counted by the
 * proxies, not taken from any tool.
 *
 *   npx tsx test/bench/peers.ts [--bulk-domains 40] [--per-server 2]
 *
 * BounceZero runs as `bouncezero start` composes it and gets the list as a job over HTTP.
 * Its per-minute session cap is raised for the bench (the peers have none); the concurrent
 * limit stays at its default of 2 per MX address, and the peers run 2 at a time per server.
 */
import { parseArgs } from 'node:util';
import { benchAddresses, CLASSES, type BenchAddress, type Verdict } from './bench-addresses.ts';
import { BENCH_KEY, startEmbeddedBounceZero } from './embedded-bouncezero.ts';
import { jobClient, waitForJob } from '../support/job-client.ts';
import { bounded, deepEmailValidator, emailDeepValidator, runPolitely } from './peer-verifiers.ts';
import { patchNodeDnsForWorld, startWorldProxies, type WorldProxies } from './world-proxies.ts';

interface Run {
  name: string;
  got: Map<string, { verdict: Verdict; detail: string }>;
  seconds: number;
  connections: number;
  commands: number;
  peakPerServer: number;
}

const { values } = parseArgs({ options: { 'bulk-domains': { type: 'string' }, 'per-server': { type: 'string' } } });
const bulkDomains = Number(values['bulk-domains'] ?? 40);
const perServer = Number(values['per-server'] ?? 2);
const PEER_TIMEOUT_MS = 15_000;

patchNodeDnsForWorld();
const list = benchAddresses({ bulkDomains, existing: 6, missing: 4 });
process.stdout.write(`${list.length} addresses over ${new Set(list.map((a) => a.email.split('@')[1])).size} domains; ${perServer} connections per server at most\n`);

const runs: Run[] = [];
runs.push(await measure('BounceZero', (proxies) => runBounceZero(list, proxies)));
runs.push(await measure('deep-email-validator', () => runPolitely(list, bounded(deepEmailValidator, PEER_TIMEOUT_MS), perServer)));
runs.push(await measure('email-deep-validator', () => runPolitely(list, bounded(emailDeepValidator(), PEER_TIMEOUT_MS), perServer)));
report(list, runs);
process.exit(0);

async function measure(name: string, work: (proxies: WorldProxies) => Promise<Run['got']>): Promise<Run> {
  const proxies = await startWorldProxies();
  const started = performance.now();
  const got = await work(proxies);
  const seconds = (performance.now() - started) / 1000;
  await Promise.race([Promise.all([...proxies.byTarget.values()].map((p) => p.drained())), new Promise((r) => setTimeout(r, 2000))]);
  const totals = proxies.totals();
  await proxies.close();
  process.stdout.write(`${name}: done in ${seconds.toFixed(1)} s\n`);
  return { name, got, seconds, ...totals };
}

async function runBounceZero(addresses: BenchAddress[], _proxies: WorldProxies): Promise<Run['got']> {
  // Greylisting asks for 3 s; the job runner's production floor is 30 s, too long for a bench.
  Object.assign(process.env, { BZ_JOB_RETRY_MIN_MS: '1000', BZ_JOB_RETRY_MAX_MS: '10000', BZ_JOB_RETRY_DELAY_MS: '5000' });
  const bz = await startEmbeddedBounceZero({ BZ_SMTP_SESSIONS_PER_MINUTE: '100000', BZ_SMTP_MAX_SESSIONS: String(perServer) });
  try {
    const client = jobClient(bz.url, BENCH_KEY);
    const id = await client.submit(addresses.map((a) => a.email));
    const final = await waitForJob(client, id, { limitMs: 180_000 });
    if (final.status !== 'completed') process.stdout.write(`BounceZero job not completed: ${JSON.stringify(final)}\n`);
    const got: Run['got'] = new Map();
    for (const row of await client.results(id)) got.set(row.email, { verdict: (row.verdict ?? 'unknown') as Verdict, detail: row.reason ?? 'no result' });
    return got;
  } finally {
    await bz.close();
  }
}

function report(addresses: BenchAddress[], results: Run[]): void {
  const out: string[] = [];
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  out.push('', `${'class (count)'.padEnd(22)}${results.map((r) => pad(r.name, 22)).join('')}`);
  for (const c of CLASSES) {
    const of = addresses.filter((a) => a.expected === c);
    if (of.length === 0) continue;
    out.push(`${`${c} (${of.length})`.padEnd(22)}${results.map((r) => pad(`${((100 * of.filter((a) => r.got.get(a.email)?.verdict === c).length) / of.length).toFixed(1)}%`, 22)).join('')}`);
  }
  const overall = (r: Run) => `${((100 * addresses.filter((a) => r.got.get(a.email)?.verdict === a.expected).length) / addresses.length).toFixed(1)}%`;
  out.push(`${'all'.padEnd(22)}${results.map((r) => pad(overall(r), 22)).join('')}`);
  out.push(`${'addresses/s'.padEnd(22)}${results.map((r) => pad((addresses.length / r.seconds).toFixed(1), 22)).join('')}`);
  out.push(`${'SMTP conns/address'.padEnd(22)}${results.map((r) => pad((r.connections / addresses.length).toFixed(3), 22)).join('')}`);
  out.push(`${'SMTP cmds/address'.padEnd(22)}${results.map((r) => pad((r.commands / addresses.length).toFixed(2), 22)).join('')}`);
  out.push(`${'max conns per server'.padEnd(22)}${results.map((r) => pad(r.peakPerServer, 22)).join('')}`);
  for (const r of results) {
    out.push('', `${r.name}: confusion (rows expected, columns got)`, `${''.padEnd(16)}${CLASSES.map((c) => pad(c, 14)).join('')}`);
    for (const e of CLASSES) {
      const row = addresses.filter((a) => a.expected === e);
      if (row.length === 0) continue;
      out.push(`${e.padEnd(16)}${CLASSES.map((g) => pad(row.filter((a) => (r.got.get(a.email)?.verdict ?? 'unknown') === g).length, 14)).join('')}`);
    }
    const wrong = addresses.filter((a) => r.got.get(a.email)?.verdict !== a.expected && !a.email.startsWith('user') && !a.email.startsWith('gone'));
    for (const a of wrong.slice(0, 30)) out.push(`  ${a.email}: expected ${a.expected}, got ${r.got.get(a.email)?.verdict} (${r.got.get(a.email)?.detail})`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}
