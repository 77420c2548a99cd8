import { readFile, stat } from 'node:fs/promises';
import { hostname, totalmem } from 'node:os';
import { defaultCapacity } from '../../prober/agent/default-capacity.ts';
import { deriveAgentKey } from '../../protocol/agent-auth.ts';
import { createAgent, type Agent, type Doctor } from '../../prober/agent/agent.ts';
import type { ConnectEdge } from '../../prober/agent/edge-connection.ts';
import type { AgentLog } from '../../prober/agent/agent-session.ts';
import { wsConnectEdge } from '../../prober/adapters/ws-client-node.ts';
import { createDoctor } from '../../prober/doctor/doctor.ts';
import { parseCidrList } from '../../net/cidr.ts';
import { systemClock } from '../../protocol/index.ts';
import { createDialerFromEnv } from '../../prober/adapters/dialer-from-env.ts';
import { nodePluginFs, pluginSettingsFromEnv, pluginSources } from '../../prober/adapters/plugin-fs-node.ts';
import { nodePortProbe } from '../../prober/adapters/port-probe-node.ts';
import { createTaskRunner } from '../../prober/engine/create-task-runner.ts';
import { hmacSha256 } from '../../prober/adapters/hmac-node.ts';
import { smtpIdentity } from '../../prober/adapters/system-identity.ts';
import { HeloRefusals } from '../../prober/pool/helo-refusals.ts';
import { HostLimiter } from '../../prober/pool/host-limiter.ts';
import { ProviderBackoff } from '../../prober/pool/provider-backoff.ts';
import type { TaskRunner } from '../../prober/engine/task-runner.ts';
import { loadPlugins } from '../../prober/plugins/loader.ts';
import { createPluginRegistry } from '../../prober/plugins/registry.ts';
import { withPlugins } from '../../prober/plugins/with-plugins.ts';
import { loadProberSettings, type ProberSettings } from '../../prober/settings.ts';

export const proberLog: AgentLog = (event, fields) => process.stderr.write(`${JSON.stringify({ at: new Date().toISOString(), event, ...fields })}\n`);

/**
 * The SMTP engine (direct or through BZ_SOCKS5) wrapped in the built-in and BZ_PLUGINS_DIR plugins,
 * and its doctor, which reads what the engine learnt about our standing (HELO refusals, provider back-offs).
 */
async function nodeRunner(config: ProberSettings, host: string, agentKey: string, log: AgentLog): Promise<{ runner: TaskRunner; plugins: string[]; doctor: Doctor; providers: ProviderBackoff }> {
  const { heloName, mailFrom } = smtpIdentity(config, host);
  const providers = new ProviderBackoff({ clock: systemClock });
  const heloRefusals = new HeloRefusals(systemClock);
  const allowNets = parseCidrList(config.allowNets.join(','));
  if (!allowNets.ok) throw new Error(allowNets.error);
  const engine = createTaskRunner({
    dialer: createDialerFromEnv({ BZ_SOCKS5: config.socks5 }),
    heloName,
    mailFrom,
    port: config.smtpPort,
    allowNets: allowNets.nets,
    limiter: new HostLimiter(systemClock, { maxConcurrent: config.smtp.maxSessions, maxPerMinute: config.smtp.sessionsPerMinute }),
    providers,
    heloRefusals,
    timeouts: { connectMs: config.smtp.connectTimeoutMs, bannerMs: config.smtp.bannerTimeoutMs, commandMs: config.smtp.commandTimeoutMs, rcptMs: config.smtp.rcptTimeoutMs },
    tls: config.smtp.tls,
    // The agent's own secret, never sent anywhere, keys the catch-all probe names: stable across restarts, unguessable outside.
    probeKey: hmacSha256(new TextEncoder().encode(agentKey), 'bouncezero catch-all probe names'),
  });
  const loaded = await loadPlugins(pluginSources(config.pluginsDirs.join(',')), nodePluginFs, (skip) => proberLog('plugin_skipped', { ...skip }));
  const registry = createPluginRegistry(loaded);
  const runner = withPlugins(engine, registry, { clock: systemClock, fetch: globalThis.fetch, settings: pluginSettingsFromEnv(process.env) });
  const doctor = createDoctor({
    probe: nodePortProbe, hosts: config.doctorHosts, dnsblZones: config.dnsblZones, heloName,
    providerBlocks: () => providers.active(),
    heloRefusals: () => heloRefusals.read(),
    warn: (check) => log('helo_warning', { check: check.name, detail: check.detail }),
  });
  return { runner, plugins: loaded.map((p) => p.manifest.name), doctor, providers };
}

/** Everything an agent needs on Node: the real engine and plugins, the doctor, the ws client (unless `connect` brings another link). */
export async function nodeAgent(options: { config: ProberSettings; edgeUrl: string; agentId: string; key: string; capacity: number; ca?: string; connect?: ConnectEdge; log?: AgentLog }): Promise<Agent> {
  const { config } = options;
  const host = hostname();
  const { runner, plugins, doctor, providers } = await nodeRunner(config, host, options.key, options.log ?? proberLog);
  return createAgent({
    edgeUrl: options.edgeUrl,
    agentId: options.agentId,
    key: options.key,
    capacity: options.capacity,
    runner,
    plugins,
    connect: options.connect ?? wsConnectEdge(options.ca ? { ca: options.ca } : {}),
    doctor,
    remember: (held) => providers.remember(held),
    hostname: host,
    software: 'bouncezero/0.1.0',
    log: options.log ?? proberLog,
  });
}

export interface ProberOptions {
  edge: string;
  id: string;
  secretFile: string;
  capacity?: number;
  ca?: string;
}

/** `bouncezero prober` (doctorOnly: `prober doctor`); commander has checked the options are there. */
export async function run(o: ProberOptions, doctorOnly: boolean): Promise<number> {
  if (!/^wss?:\/\//.test(o.edge) || !URL.canParse(o.edge)) {
    process.stderr.write(`--edge must be a ws:// or wss:// URL, got "${o.edge}"\n`);
    return 2;
  }
  const loaded = loadProberSettings(process.env);
  if (!loaded.ok) {
    process.stderr.write(`${loaded.error}\n`);
    return 2;
  }
  const secret = await readSecret(o.secretFile);
  if (!secret.ok) {
    process.stderr.write(`${secret.error}\n`);
    return 2;
  }
  const ca = o.ca ? await readFile(o.ca, 'utf8') : undefined;
  const capacity = o.capacity ?? defaultCapacity(totalmem());
  const options = { config: loaded.settings, edgeUrl: o.edge, agentId: o.id, key: await deriveAgentKey(secret.secret), capacity, ca };
  return doctorOnly ? runDoctorOnce(options) : runAgent(await nodeAgent(options));
}

/** Runs until drained; SIGTERM/SIGINT start the drain, a second one exits at once. */
async function runAgent(agent: Agent): Promise<number> {
  let signals = 0;
  const onSignal = () => {
    if (++signals > 1) process.exit(1);
    agent.drain();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const code = await agent.run();
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  return code;
}

/**
 * `prober doctor`: connects like any agent (the DNS checks go through the edge), prints the
 * self-check, then drains. It runs the real engine, so a task the edge hands it meanwhile is
 * answered properly before it exits.
 */
async function runDoctorOnce(options: Parameters<typeof nodeAgent>[0]): Promise<number> {
  const { config } = options;
  const host = hostname();
  let report: Awaited<ReturnType<Doctor>> | undefined;
  const { runner, doctor } = await nodeRunner(config, host, options.key, proberLog);
  const agent = createAgent({
    ...options,
    runner,
    capacity: 1,
    connect: wsConnectEdge(options.ca ? { ca: options.ca } : {}),
    doctor: async (env) => {
      report = await doctor(env);
      setImmediate(() => agent.drain()); // after the report has gone to the edge
      return report;
    },
    hostname: host,
    log: proberLog,
  });
  const code = await agent.run();
  if (!report) {
    process.stderr.write(`the doctor could not run (exit ${code})\n`);
    return 1;
  }
  for (const c of report.checks) process.stdout.write(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name.padEnd(28)} ${c.detail}\n`);
  const unknown = report.checks.some((c) => c.name === 'port25') ? 'not checked (no host to dial resolves)' : 'not checked (BZ_DOCTOR_HOSTS empty)';
  process.stdout.write(`port 25: ${report.port25 === null ? unknown : report.port25 ? 'open' : 'BLOCKED'}\n`);
  return report.checks.every((c) => c.ok) ? 0 : 1;
}

/** The secret file holds the hex secret; its content never appears in a message. */
async function readSecret(path: string): Promise<{ ok: true; secret: string } | { ok: false; error: string }> {
  try {
    const info = await stat(path);
    if ((info.mode & 0o077) !== 0) process.stderr.write(`warning: ${path} is readable by other users; chmod 600 it\n`);
    const secret = (await readFile(path, 'utf8')).trim();
    if (!/^[0-9a-f]{64}$/i.test(secret)) return { ok: false, error: `${path} does not hold an agent secret (64 hex characters)` };
    return { ok: true, secret };
  } catch (error) {
    return { ok: false, error: `cannot read the secret file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}` };
  }
}
