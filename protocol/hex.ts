import type { Random } from './runtime.ts';

/** Lower-case hex of the bytes: ids, key hashes, digests. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The bytes of an even-length hex string, or null when it is not one. */
export function fromHex(hex: string): Uint8Array<ArrayBuffer> | null {
  if (!/^(?:[0-9a-f]{2})*$/i.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** `n` random bytes as hex: the tail of every id the edge hands out. */
export function randomHex(random: Random, n: number): string {
  return toHex(random.bytes(n));
}

/** SHA-256 of the UTF-8 text, hex (Web Crypto, so every runtime computes it the same way). */
export async function sha256Hex(text: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))));
}
