/**
 * The realistic world in its own process, so its work (200 delaying proxies, the SMTP server,
 * DNS) is not charged to the verifier under test: started with fork() by realistic.ts, it says
 * where its DNS answers, then answers "totals" (and "reset") messages with its counts.
 */
import { startDelayProxy, type DelayProxy } from '../support/delay-proxy.ts';
import { startBenchDns, type BenchRecord } from './bench-dns.ts';
import { startBenchMx, type BenchMxCounts } from './bench-mx.ts';
import { mailboxExists, REALISTIC, realisticDomains } from './realistic-world.ts';

export interface WorldTotals extends BenchMxCounts {
  connections: number;
  /** Writes the clients made (about one per round trip). */
  clientChunks: number;
  /** Most connections one server (one proxy) had open at once. */
  peakPerServer: number;
  /** When (Date.now()) any server first saw a connection since the last reset. */
  firstConnectionAt: number | undefined;
  /** CPU seconds this world process spent (proxies, SMTP server, DNS) since the last reset. */
  cpuSeconds: number;
}

export type WorldMessage = { type: 'ready'; doh: string; udp: { address: string; port: number } } | { type: 'totals'; totals: WorldTotals };

const domains = realisticDomains(Number(process.env.BENCH_DOMAINS ?? REALISTIC.domains));
const delayMs = Number(process.env.BENCH_DELAY_MS ?? REALISTIC.delayMs);
const records: BenchRecord[] = domains.flatMap((d) => [
  { name: d.name, type: 'MX' as const, value: `10 ${d.mxHost}` },
  { name: d.mxHost, type: 'A' as const, value: d.mxAddress },
]);
const dns = await startBenchDns(records, 'realistic.test');
const mx = await startBenchMx({ domains: new Set(domains.map((d) => d.name)), catchAll: new Set(domains.filter((d) => d.catchAll).map((d) => d.name)), exists: mailboxExists });
let proxies: DelayProxy[] = [];
let base = { connections: 0, counts: mx.counts(), cpu: process.cpuUsage() };

async function openProxies(): Promise<void> {
  proxies = await Promise.all(domains.map((d) => startDelayProxy({ target: { host: '127.0.0.1', port: mx.port }, listen: { host: d.mxAddress, port: 25 }, delayMs, clientLines: false })));
}

await openProxies();
process.send!({ type: 'ready', doh: dns.doh, udp: dns.udp } satisfies WorldMessage);

process.on('message', async (message: { type: string }) => {
  if (message.type === 'reset') {
    // Fresh proxies: peak counts start again at zero.
    await Promise.all(proxies.map((p) => p.close()));
    await openProxies();
    base = { connections: 0, counts: mx.counts(), cpu: process.cpuUsage() };
    process.send!({ type: 'totals', totals: totals() } satisfies WorldMessage);
  } else if (message.type === 'totals') {
    // Let a fire-and-forget QUIT pass before counting.
    await Promise.race([Promise.all(proxies.map((p) => p.drained())), new Promise((r) => setTimeout(r, 2000))]);
    process.send!({ type: 'totals', totals: totals() } satisfies WorldMessage);
  } else if (message.type === 'exit') {
    process.exit(0);
  }
});

function totals(): WorldTotals {
  const now = mx.counts();
  const cpu = process.cpuUsage(base.cpu);
  return {
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    connections: proxies.reduce((n, p) => n + p.connections, 0),
    clientChunks: proxies.reduce((n, p) => n + p.clientChunks, 0),
    peakPerServer: Math.max(0, ...proxies.map((p) => p.peakOpen)),
    firstConnectionAt: proxies.reduce<number | undefined>((first, p) => (p.firstConnectionAt === undefined || (first !== undefined && first <= p.firstConnectionAt) ? first : p.firstConnectionAt), undefined),
    sessions: now.sessions - base.counts.sessions,
    tlsSessions: now.tlsSessions - base.counts.tlsSessions,
    tlsResumed: now.tlsResumed - base.counts.tlsResumed,
    mailFroms: now.mailFroms - base.counts.mailFroms,
    rcpts: now.rcpts - base.counts.rcpts,
    multiDomainSessions: now.multiDomainSessions - base.counts.multiDomainSessions,
  };
}
