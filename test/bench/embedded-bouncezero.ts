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
import { parseCidrList } from '../../edge/dns/cidr.ts';
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

/** `env` adds BZ_* settings (e.g. sessions per minute); the job runner reads BZ_JOB_* from process.env. */
export async function startEmbeddedBounceZero(env: Record<string, string> = {}, capacity = 16): Promise<EmbeddedBounceZero> {
  const loaded = loadConfig({
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
  });
  if (!loaded.ok) throw new Error(loaded.error);
  const { config } = loaded;
  const server = await startEdgeServer({ config });
  const nets = parseCidrList(config.allowNets.join(','));
  if (!nets.ok) throw new Error(nets.error);
  const runner = createTaskRunner({
    dialer: proxiedDialer(createNetDialer()),
    heloName: config.heloName!,
    mailFrom: `verify@${config.heloName}`,
    port: 25,
    allowNets: nets.nets,
    limiter: new HostLimiter(systemClock, { maxConcurrent: config.smtp.maxSessions, maxPerMinute: config.smtp.sessionsPerMinute }),
    timeouts: { connectMs: config.smtp.connectTimeoutMs, bannerMs: config.smtp.bannerTimeoutMs, commandMs: config.smtp.commandTimeoutMs },
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
