/**
 * The prober's own CPU per SMTP session (not a test): npx tsx test/bench/prober-cpu.ts [domains=200] [runs=3]
 * The real engine wrapped in the built-in plugins, as `bouncezero start` runs it, verifies five
 * addresses on each of `domains` domains, one session per domain (no session kept for the next
 * domain), against the bench's SMTP server in a child process, so only our side is measured.
 * Prints CPU ms per session (user + system of this process) with STARTTLS and without, the
 * median of `runs` alternating runs after one warm-up run of each. CPU time, not wall time.
 * BENCH_PROFILE=1 writes a --cpu-prof profile of this process into the working directory.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { cidr } from '../../net/cidr.ts';
import { createNetDialer } from '../../prober/adapters/net-dialer.ts';
import { nodePluginFs, pluginSettingsFromEnv, pluginSources } from '../../prober/adapters/plugin-fs-node.ts';
import { createTaskRunner } from '../../prober/engine/create-task-runner.ts';
import type { TaskRunner } from '../../prober/engine/task-runner.ts';
import { loadPlugins } from '../../prober/plugins/loader.ts';
import { createPluginRegistry } from '../../prober/plugins/registry.ts';
import { withPlugins } from '../../prober/plugins/with-plugins.ts';
import { HostLimiter } from '../../prober/pool/host-limiter.ts';
import { ProbeTask, systemClock } from '../../protocol/index.ts';
import { startBenchMx } from './bench-mx.ts';
import { cpuMsSince, median } from './cpu-rounds.ts';
import { mailboxExists, realisticAddresses, realisticDomains, type RealisticDomain } from './realistic-world.ts';

const CONCURRENCY = 20;

if (process.argv[2] === '--mx') {
  const domains = realisticDomains(Number(process.argv[3]));
  const mx = await startBenchMx({ domains: new Set(domains.map((d) => d.name)), catchAll: new Set(domains.filter((d) => d.catchAll).map((d) => d.name)), exists: mailboxExists });
  process.send!({ port: mx.port });
  process.on('disconnect', () => process.exit(0));
} else {
  const domainCount = Number(process.argv[2] ?? 200);
  const runs = Number(process.argv[3] ?? 3);
  const domains = realisticDomains(domainCount);
  const child = fork(import.meta.filename, ['--mx', String(domainCount)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { port } = await new Promise<{ port: number }>((resolve) => child.once('message', (m) => resolve(m as { port: number })));
  const plugins = createPluginRegistry(await loadPlugins(pluginSources(undefined), nodePluginFs, () => {}));
  const runner = (tls: 'opportunistic' | 'off'): TaskRunner =>
    withPlugins(
      createTaskRunner({
        dialer: createNetDialer(),
        heloName: 'prober.bench.test',
        mailFrom: 'verify@prober.bench.test',
        allowNets: [cidr('127.0.0.0/8')],
        port,
        tls,
        sessionIdleMs: 0,
        // Every domain's server is the one bench MX here: the politeness limits would only make us wait.
        limiter: new HostLimiter(systemClock, { maxConcurrent: 1_000, maxPerMinute: 1_000_000 }),
      }),
      plugins,
      { clock: systemClock, fetch: globalThis.fetch, settings: pluginSettingsFromEnv({}) },
    );
  const tasks = (): ProbeTask[] => {
    const addresses = realisticAddresses(domains);
    return domains.map((d: RealisticDomain) =>
      ProbeTask.parse({
        id: randomUUID(),
        domain: d.name,
        plan: { domain: d.name, rule: 'mx', ttl: 60, records: [], hosts: [{ host: d.mxHost, preference: 10, addresses: ['127.0.0.1'] }] },
        addresses: addresses.filter((a) => a.email.endsWith(`@${d.name}`)).map((a, j) => ({ id: `a${j}`, address: a.email })),
        deadline_ms: 60_000,
      }),
    );
  };
  const once = async (tls: 'opportunistic' | 'off'): Promise<number> => {
    // A fresh runner each time: no catch-all verdicts, TLS sessions or host notes carried over.
    // Made before the count starts: its caches are allocated once per process, not per session.
    const run = runner(tls);
    const queue = tasks();
    const cpu = process.cpuUsage();
    const worker = async () => {
      for (let task = queue.shift(); task; task = queue.shift()) {
        const result = await run(task);
        if (result.results.length !== task.addresses.length || result.results.some((r) => r.smtp.outcome === 'error')) {
          throw new Error(`${task.domain}: ${JSON.stringify(result.results.map((r) => r.smtp.reason))}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return cpuMsSince(cpu) / domains.length;
  };
  const profiler = process.env.BENCH_PROFILE === '1' ? new Session() : undefined;
  await once('opportunistic');
  await once('off');
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  const figures = { opportunistic: [] as number[], off: [] as number[] };
  for (let i = 0; i < runs; i++) {
    figures.opportunistic.push(await once('opportunistic'));
    figures.off.push(await once('off'));
  }
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    const file = join(process.cwd(), `prober-cpu-${Date.now()}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    console.log(`profile in ${file}`);
  }
  for (const tls of ['opportunistic', 'off'] as const) {
    console.log(`TLS ${tls}: ${median(figures[tls]).toFixed(3)} ms CPU per session of 5 addresses (runs: ${figures[tls].map((x) => x.toFixed(3)).join(', ')}; ${domainCount} domains)`);
  }
  child.disconnect();
}
