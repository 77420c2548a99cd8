import { AGENT_SECRET_BYTES, agentPublicKey, deriveAgentKey } from '../../protocol/agent-auth.ts';
import { toHex } from '../../protocol/hex.ts';
import type { Clock, Random } from '../../protocol/index.ts';
import type { AgentStore } from './agent-store.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export type Enrollment = { ok: true; id: string; name: string; secret: string } | { ok: false; error: string };

/**
 * Makes a new agent: a random id and a random 32-byte secret. The secret is returned once for
 * the operator to hand to the prober and is not kept anywhere: the store gets the public key only.
 */
export async function enrollAgent(store: AgentStore, name: string, deps: { clock: Clock; random: Random }): Promise<Enrollment> {
  if (!NAME.test(name)) return { ok: false, error: 'an agent name is 1–64 letters, digits, dots, dashes or underscores' };
  const existing = await store.findByName(name);
  if (existing && existing.revoked_at === null) return { ok: false, error: `an agent named ${name} exists; revoke it first or pick another name` };
  const id = `agt_${toHex(deps.random.bytes(8))}`;
  const secret = toHex(deps.random.bytes(AGENT_SECRET_BYTES));
  await store.create({ id, name, public_key: await agentPublicKey(await deriveAgentKey(secret)), created_at: deps.clock.now(), revoked_at: null });
  return { ok: true, id, name, secret };
}
