import { fromHex, toHex } from './hex.ts';

/**
 * The agent challenge-response, shared by the edge (verifies) and the prober (signs). Web
 * Crypto only, so both sides and any runtime compute it the same way.
 *
 * Key design (stored hashed): the operator gets a random 32-byte secret once. Both sides derive
 * the HMAC key K = SHA-256("bouncezero-agent-v1:" ‖ secret); the edge stores only K. Trade-off,
 * stated honestly: HMAC verification needs the key itself, so whoever reads K from the database
 * can authenticate as that agent until it is revoked (as with any shared-secret scheme); what a
 * leak does NOT give is the printed secret, so a secret pasted into other places stays private.
 * A public-key answer (Ed25519: store the public key, agent signs) would make a database leak
 * harmless and is the next step if the threat model needs it.
 */
const KEY_LABEL = 'bouncezero-agent-v1:';
/** How far an answer's timestamp may be from the edge's clock. */
export const AUTH_MAX_SKEW_MS = 60_000;
export const AGENT_SECRET_BYTES = 32;

const utf8 = new TextEncoder();

/** K, hex: what the edge stores and what the agent signs with. */
export async function deriveAgentKey(secretHex: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', utf8.encode(KEY_LABEL + secretHex.trim().toLowerCase()));
  return toHex(new Uint8Array(digest));
}

function signedText(nonce: string, agentId: string, ts: number): Uint8Array<ArrayBuffer> {
  return utf8.encode(`${nonce}|${agentId}|${ts}`);
}

async function hmacKey(keyHex: string, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  const raw = fromHex(keyHex) ?? new Uint8Array(32);
  return crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
}

/** The agent's answer: HMAC-SHA256(K, nonce | agent_id | ts), hex. */
export async function signChallenge(keyHex: string, nonce: string, agentId: string, ts: number): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', await hmacKey(keyHex, 'sign'), signedText(nonce, agentId, ts));
  return toHex(new Uint8Array(mac));
}

/** Web Crypto's HMAC verify compares in constant time, so the answer leaks nothing by timing. */
export async function verifyChallenge(keyHex: string, nonce: string, agentId: string, ts: number, macHex: string): Promise<boolean> {
  const mac = fromHex(macHex);
  if (!mac || mac.length !== 32) return false;
  return crypto.subtle.verify('HMAC', await hmacKey(keyHex, 'verify'), mac, signedText(nonce, agentId, ts));
}
