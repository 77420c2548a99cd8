import { startEdgeServer } from '../edge/adapters/node-server.ts';
import { loadConfig } from '../edge/config.ts';
import { randomHex, sleep, systemClock, systemRandom } from '../protocol/index.ts';
import { embeddedAgent, embeddedSecretPath } from './commands/start.ts';
import { nodeAgent } from './commands/prober.ts';
import { loadProberSettings } from '../prober/settings.ts';
import { IN_PROCESS_EDGE_URL, portConnectEdge } from '../prober/adapters/port-client-node.ts';

export interface EdgeTarget {
  url: string;
  key: string;
  close(): Promise<void>;
}

/**
 * The one-command default without a running edge: the same edge and embedded prober as
 * `bouncezero start`, in this process (the API on an ephemeral loopback port), with a throw-away API key.
 */
export async function startEmbeddedEdge(env: Record<string, string | undefined>): Promise<{ ok: true; target: EdgeTarget } | { ok: false; error: string }> {
  const key = `bz_cli_${randomHex(systemRandom, 16)}`;
  const loaded = loadConfig({ ...env, BZ_HOST: '127.0.0.1', BZ_PORT: '0', BZ_API_KEY: key, BZ_RATE_LIMIT_RPS: '0' });
  if (!loaded.ok) return loaded;
  const prober = loadProberSettings(env);
  if (!prober.ok) return prober;
  const { config } = loaded;
  // The progress bar owns the terminal: the embedded edge and prober keep their event lines to themselves.
  const server = await startEdgeServer({ config, hub: { log: () => {} } });
  const agentRecord = await embeddedAgent(server.agentStore, embeddedSecretPath(config.db));
  // In-process, like `start`'s prober thread: the agent's link is a port the edge takes as it takes a WebSocket.
  const connect = portConnectEdge((port) => server.acceptPort(port));
  const agent = await nodeAgent({ config: prober.settings, edgeUrl: IN_PROCESS_EDGE_URL, agentId: agentRecord.id, key: agentRecord.key, capacity: 8, connect, log: () => {} });
  const exit = agent.run();
  // A bulk job would wait for the prober anyway; a single verify would answer no_prober.
  for (let i = 0; i < 300 && server.hub.healthyCount() === 0; i++) await sleep(systemClock, 50);
  return {
    ok: true,
    target: {
      url: server.url,
      key,
      async close() {
        agent.drain();
        await exit;
        await server.close();
      },
    },
  };
}
