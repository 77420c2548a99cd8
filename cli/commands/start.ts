import { totalmem } from 'node:os';
import { defaultCapacity } from '../../prober/agent/default-capacity.ts';
import { startEdgeServer, type EdgeServer } from '../../edge/adapters/node-server.ts';
import { KEY_SCOPES } from '../../edge/access/scopes.ts';
import { createStoreKeyStore } from '../../edge/access/key-store.ts';
import { enrollAgent } from '../../edge/dispatch/agent-enrollment.ts';
import type { AgentStore } from '../../edge/dispatch/agent-store.ts';
import { systemClock, systemRandom } from '../../protocol/index.ts';
import { loadProberSettings } from '../../prober/settings.ts';
import { announce, edgeSettings, listening, untilSignal } from './edge.ts';
import { keyCommand } from './key-command.ts';
import { nodeAgent } from './prober.ts';

/** The embedded prober's name in the agents table. */
const EMBEDDED = 'embedded';

/**
 * `bouncezero start`: the edge plus one prober in the same process, speaking the same
 * authenticated WebSocket protocol over loopback as any remote prober, so there is one code
 * path. Its agent is made at first start; it signs with the stored key K directly, so no
 * secret is written anywhere.
 */
export async function run(options: { capacity?: number }): Promise<number> {
  const capacity = options.capacity ?? defaultCapacity(totalmem());
  const settings = await edgeSettings();
  const prober = loadProberSettings(process.env);
  if (!settings.ok || !prober.ok) {
    for (const loaded of [settings, prober]) if (!loaded.ok) process.stderr.write(`${loaded.error}\n`);
    return 2;
  }
  const { config, tls } = settings;
  const server = await listening(startEdgeServer({ config, ...(tls ? { tls } : {}) }), config);
  if (!server) return 1;
  announce(server);
  await firstApiKey(server);
  const embedded = await embeddedAgent(server.agentStore);
  const loopback = new URL(server.agentUrl);
  if (['0.0.0.0', '[::]'].includes(loopback.hostname)) loopback.hostname = loopback.hostname === '[::]' ? '[::1]' : '127.0.0.1';
  const agent = await nodeAgent({ config: prober.settings, edgeUrl: loopback.href, agentId: embedded.id, key: embedded.key, capacity, ...(tls ? { ca: tls.cert } : {}) });
  const exit = agent.run();
  await Promise.race([untilSignal(), exit]);
  agent.drain();
  const code = await exit;
  await server.close();
  return code;
}

/** On a fresh store, one API key named "first", printed once, so the API is usable at once: the operator's, with every scope. */
async function firstApiKey(server: EdgeServer): Promise<void> {
  const keys = createStoreKeyStore(server.db);
  if ((await keys.list()).length > 0) return;
  await keyCommand(['add', 'first', '--scope', KEY_SCOPES.join(',')], { keys, random: systemRandom, clock: systemClock, out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });
}

export async function embeddedAgent(store: AgentStore): Promise<{ id: string; key: string }> {
  const existing = await store.findByName(EMBEDDED);
  if (existing && existing.revoked_at === null) return existing;
  const made = await enrollAgent(store, EMBEDDED, { clock: systemClock, random: systemRandom });
  if (!made.ok) throw new Error(made.error);
  const record = await store.findById(made.id);
  if (!record) throw new Error('the embedded agent vanished from the store');
  return record;
}
