import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { defaultCapacity } from '../../prober/agent/default-capacity.ts';
import { startEdgeServer, type EdgeServer } from '../../edge/adapters/node-server.ts';
import { KEY_SCOPES } from '../../edge/access/scopes.ts';
import { createStoreKeyStore } from '../../edge/access/key-store.ts';
import { enrollAgent } from '../../edge/dispatch/agent-enrollment.ts';
import type { AgentStore } from '../../edge/dispatch/agent-store.ts';
import { isPostgresUrl } from '../../edge/adapters/open-store.ts';
import { warnOnStderr } from '../../edge/adapters/owner-only.ts';
import { agentPublicKey, deriveAgentKey } from '../../protocol/agent-auth.ts';
import { systemClock, systemRandom } from '../../protocol/index.ts';
import { loadProberSettings } from '../../prober/settings.ts';
import { announce, edgeSettings, listening, untilSignal } from './edge.ts';
import { keyCommand } from './key-command.ts';
import { startProberThread } from './prober-thread.ts';

/** The embedded prober's name in the agents table. */
const EMBEDDED = 'embedded';

/**
 * `bouncezero start`: the edge plus one prober in the same process (on a thread of its own,
 * prober-thread.ts), speaking the same authenticated agent protocol as any remote prober, over a
 * MessagePort instead of a WebSocket, so there is one code path above the transport. Its agent
 * is made at first start; the edge stores only its public key, and its secret is kept beside the
 * SQLite file, readable by the owner only (embeddedSecretPath).
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
  const embedded = await embeddedAgent(server.agentStore, embeddedSecretPath(config.db));
  const agent = startProberThread({ config: prober.settings, agentId: embedded.id, key: embedded.key, capacity }, (port) => server.acceptPort(port));
  const signalled = await Promise.race([untilSignal().then(() => true), agent.exit.then(() => false)]);
  // Prompt on a signal: the prober gives up its SMTP sessions rather than finishing them (the
  // items stay claimed: taken up again at the next start, or by another edge when their lease
  // ends), then the edge stops accepting, gives up its DoH questions, stops the job runner and
  // closes the store.
  agent.stop();
  const code = await agent.exit;
  await server.close();
  return signalled ? 0 : code;
}

/** On a fresh store, one API key named "first", printed once, so the API is usable at once: the operator's, with every scope. */
async function firstApiKey(server: EdgeServer): Promise<void> {
  const keys = createStoreKeyStore(server.db);
  if ((await keys.list()).length > 0) return;
  await keyCommand(['add', 'first', '--scope', KEY_SCOPES.join(',')], { keys, random: systemRandom, clock: systemClock, out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });
}

/** Where the embedded prober's secret is kept: beside a SQLite file; nowhere for `:memory:` or PostgreSQL (a new agent per start). */
export function embeddedSecretPath(db: string): string | undefined {
  if (db === ':memory:' || db.startsWith('file:') || isPostgresUrl(db)) return undefined;
  return join(dirname(db), 'embedded-agent.secret');
}

/**
 * The embedded prober's identity and its K. A stored agent is reused only when the saved
 * secret still matches its public key; otherwise (first start, a lost file, a store from before
 * Ed25519 whose embedded agent had no secret at all) it is revoked and a new one is made.
 */
export async function embeddedAgent(store: AgentStore, secretFile?: string): Promise<{ id: string; key: string }> {
  const existing = await store.findByName(EMBEDDED);
  if (existing && existing.revoked_at === null) {
    const saved = secretFile ? readSavedSecret(secretFile) : undefined;
    const key = saved ? await deriveAgentKey(saved) : undefined;
    if (key && (await agentPublicKey(key)) === existing.public_key) return { id: existing.id, key };
    await store.revoke(EMBEDDED, systemClock.now());
  }
  const made = await enrollAgent(store, EMBEDDED, { clock: systemClock, random: systemRandom });
  if (!made.ok) throw new Error(made.error);
  if (secretFile) {
    writeFileSync(secretFile, `${made.secret}\n`, { mode: 0o600 });
    chmodSync(secretFile, 0o600);
  }
  return { id: made.id, key: await deriveAgentKey(made.secret) };
}

function readSavedSecret(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) warnOnStderr(path, `0${mode.toString(8)}`, `chmod 600 '${path}'`);
  const secret = readFileSync(path, 'utf8').trim();
  return /^[0-9a-f]{64}$/i.test(secret) ? secret : undefined;
}
