/**
 * BounceZero as `bouncezero start` composes it (edge, job runner, agent hub, one agent over
 * the authenticated WebSocket), in this process, with one bench change: the prober dials the
 * world's MX addresses through the delaying proxies. Plugins are left out: the built-in ones
 * reach public services, which the bench must never dial.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { startEdgeServer, type EdgeServer } from '../../edge/adapters/node-server.ts';
import { loadConfig } from '../../edge/config.ts';
import { loadProberSettings } from '../../prober/settings.ts';
import { parseCidrList } from '../../net/cidr.ts';
import { createAgent, type Agent } from '../../prober/agent/agent.ts';
import { createNetDialer } from '../../prober/adapters/net-dialer.ts';
import { wsConnectEdge } from '../../prober/adapters/ws-client-node.ts';
import { createTaskRunner } from '../../prober/engine/create-task-runner.ts';
import { HostLimiter } from '../../prober/pool/host-limiter.ts';
import { systemClock } from '../../protocol/index.ts';
import { embeddedAgent } from '../../cli/commands/start.ts';
import { ALLOW_NETS, DNS } from '../world/world.ts';
import { proxiedDialer } from './world-proxies.ts';

export const BENCH_KEY = 'bench-key-0123456789abcdefghijklmnopq';

export interface EmbeddedBounceZero {
  url: string;
  server: EdgeServer;
  close(): Promise<void>;
}

/** `env` adds BZ_* settings (e.g. sessions per minute) over the process's own (BZ_JOB_* among them). */
export async function startEmbeddedBounceZero(env: Record<string, string> = {}, capacity = 16): Promise<EmbeddedBounceZero> {
  const vars = {
    ...process.env,
    BZ_DB: join(mkdtempSync(join(tmpdir(), 'bz-bench-')), 'bz.db'),
    BZ_PORT: '0',
    BZ_DOH: DNS.doh,
    BZ_ALLOW_NETS: ALLOW_NETS,
    BZ_API_KEY: BENCH_KEY,
    BZ_DOCTOR_HOSTS: '',
    BZ_DNSBL_ZONES: '',
    BZ_HELO_NAME: 'prober.world.test',
    BZ_RATE_LIMIT_RPS: '0',
    ...env,
  };
  const loaded = loadConfig(vars);
  if (!loaded.ok) throw new Error(loaded.error);
  const prober = loadProberSettings(vars);
  if (!prober.ok) throw new Error(prober.error);
  const { config } = loaded;
  const { settings } = prober;
  const server = await startEdgeServer({ config });
  const nets = parseCidrList(config.allowNets.join(','));
  if (!nets.ok) throw new Error(nets.error);
  const runner = createTaskRunner({
    dialer: proxiedDialer(createNetDialer()),
    heloName: settings.heloName!,
    mailFrom: `verify@${settings.heloName}`,
    port: 25,
    allowNets: nets.nets,
    limiter: new HostLimiter(systemClock, { maxConcurrent: settings.smtp.maxSessions, maxPerMinute: settings.smtp.sessionsPerMinute }),
    timeouts: { connectMs: settings.smtp.connectTimeoutMs, bannerMs: settings.smtp.bannerTimeoutMs, commandMs: settings.smtp.commandTimeoutMs },
  });
  const identity = await embeddedAgent(server.agentStore);
  const agent: Agent = createAgent({ edgeUrl: server.agentUrl, agentId: identity.id, key: identity.key, capacity, runner, connect: wsConnectEdge(), hostname: hostname(), software: 'bouncezero/bench' });
  const exit = agent.run();
  return {
    url: server.url,
    server,
    close: async () => {
      agent.drain();
      await exit;
      await server.close();
    },
  };
}
