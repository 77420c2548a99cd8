import { fromHex, toHex } from './hex.ts';

/**
 * The agent challenge-response, shared by the edge (verifies) and the prober (signs). Web
 * Crypto only, so both sides and any runtime compute it the same way.
 *
 * Key design: the operator gets a random 32-byte secret once and gives it to the prober. The
 * prober derives K = SHA-256("bouncezero-agent-v1:" ‖ secret) and from K an Ed25519 key pair
 * (seed = SHA-256("bouncezero-agent-ed25519:" ‖ hex(K))); it answers a challenge by signing it. The
 * edge stores only the public key, so whoever reads its database (a backup, a dump, a local
 * user) can verify answers but not make one. K is kept as the intermediate step because the
 * edges of earlier versions stored K: migration 009 turned each stored K into its public key
 * and dropped K, so a prober's secret file stays valid across that upgrade.
 */
const KEY_LABEL = 'bouncezero-agent-v1:';
const SEED_LABEL = 'bouncezero-agent-ed25519:';
/** PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410): Web Crypto imports private keys only in a container. */
const PKCS8_ED25519_PREFIX = '302e020100300506032b657004220420';
/** How far an answer's timestamp may be from the edge's clock. */
export const AUTH_MAX_SKEW_MS = 60_000;
export const AGENT_SECRET_BYTES = 32;

const utf8 = new TextEncoder();

/** K, hex: what the prober derives its key pair from (earlier edges stored it; none does now). */
export async function deriveAgentKey(secretHex: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', utf8.encode(KEY_LABEL + secretHex.trim().toLowerCase()));
  return toHex(new Uint8Array(digest));
}

function signedText(nonce: string, agentId: string, ts: number): Uint8Array<ArrayBuffer> {
  return utf8.encode(`${nonce}|${agentId}|${ts}`);
}

async function privateKey(keyHex: string, extractable: boolean): Promise<CryptoKey> {
  const seed = new Uint8Array(await crypto.subtle.digest('SHA-256', utf8.encode(SEED_LABEL + keyHex.toLowerCase())));
  const pkcs8 = fromHex(PKCS8_ED25519_PREFIX + toHex(seed))!;
  return crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, extractable, ['sign']);
}

/** The public half of K's key pair, hex (32 bytes): all the edge keeps of an agent. */
export async function agentPublicKey(keyHex: string): Promise<string> {
  const jwk = await crypto.subtle.exportKey('jwk', await privateKey(keyHex, true));
  return toHex(fromBase64Url(jwk.x ?? ''));
}

/** The agent's answer: Ed25519(nonce | agent_id | ts) with K's key pair, hex (64 bytes). */
export async function signChallenge(keyHex: string, nonce: string, agentId: string, ts: number): Promise<string> {
  const signature = await crypto.subtle.sign('Ed25519', await privateKey(keyHex, false), signedText(nonce, agentId, ts));
  return toHex(new Uint8Array(signature));
}

/** Checks an answer against the stored public key; a malformed key or signature is simply false. */
export async function verifyChallenge(publicKeyHex: string, nonce: string, agentId: string, ts: number, signatureHex: string): Promise<boolean> {
  const publicKey = fromHex(publicKeyHex);
  const signature = fromHex(signatureHex);
  if (!publicKey || publicKey.length !== 32 || !signature || signature.length !== 64) return false;
  try {
    const key = await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
    return await crypto.subtle.verify('Ed25519', key, signature, signedText(nonce, agentId, ts));
  } catch {
    return false;
  }
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
