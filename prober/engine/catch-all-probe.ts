import type { Random, RcptOutcome } from '../../protocol/index.ts';

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

/**
 * All three accepted ⇒ catch-all; any refused as a mailbox ⇒ not; otherwise (a 4xx, a drop, a
 * refusal of us such as a blocklist 554) we do not know.
 */
export function catchAllVerdict(outcomes: readonly RcptOutcome[]): 'yes' | 'no' | 'unknown' {
  if (outcomes.includes('rejected')) return 'no';
  if (outcomes.length === CATCH_ALL_PROBES && outcomes.every((o) => o === 'accepted')) return 'yes';
  return 'unknown';
}
