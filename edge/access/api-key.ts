import { sha256Hex, type Random } from '../../protocol/index.ts';

/** Keys look like `bz_<43 base64url chars>`: 32 random bytes, recognizable in a leak scan. */
export const KEY_PREFIX = 'bz_';

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function generateApiKey(random: Random): string {
  return KEY_PREFIX + base64url(random.bytes(32));
}

/**
 * SHA-256, hex. A plain hash (no salt, no slow KDF) is enough because the key is 256 random
 * bits: there is nothing to guess from a leaked hash, and the lookup stays one indexed read.
 */
export async function hashApiKey(key: string): Promise<string> {
  return sha256Hex(key);
}

/** What is shown in listings: enough to tell keys apart, useless to an attacker. */
export function keyHint(key: string): string {
  return `${key.slice(0, KEY_PREFIX.length + 4)}…`;
}
