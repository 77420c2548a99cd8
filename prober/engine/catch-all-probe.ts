import type { Random } from '../../protocol/index.ts';

export const CATCH_ALL_PROBES = 3;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const LENGTH = 20;

/**
 * Local parts nobody has: 20 characters of [a-z0-9] (~103 bits), drawn from the injected Random.
 * Rejection sampling keeps every character equally likely.
 */
export function probeAddresses(domain: string, random: Random, count = CATCH_ALL_PROBES): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let local = '';
    while (local.length < LENGTH) {
      for (const byte of random.bytes(LENGTH)) {
        if (byte < 252 && local.length < LENGTH) local += ALPHABET[byte % 36];
      }
    }
    out.push(`${local}@${domain}`);
  }
  return out;
}

/** All three accepted ⇒ catch-all; any refused ⇒ not; otherwise (a 4xx, a drop) we do not know. */
export function catchAllVerdict(codes: readonly number[]): 'yes' | 'no' | 'unknown' {
  if (codes.some((c) => c >= 500)) return 'no';
  if (codes.length === CATCH_ALL_PROBES && codes.every((c) => c === 250 || c === 251)) return 'yes';
  return 'unknown';
}
