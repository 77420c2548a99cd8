import type { RcptOutcome } from '../../protocol/index.ts';
import type { ReplyClass } from '../smtp/classify-reply.ts';

export const CATCH_ALL_PROBES = 3;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const LENGTH = 20;
const DAY_MS = 24 * 60 * 60_000;

/** A keyed hash (HMAC-SHA-256 in production) under the deployment's own probe key. */
export type KeyedHash = (message: string) => Uint8Array;

/**
 * Local parts nobody has: 20 characters of [a-z0-9] (~103 bits) from a keyed hash of the domain,
 * the UTC day and the probe's number. Greylisting keys on (client, sender, recipient), so a retry
 * has to send the very same probe addresses to get past it, as a real sender's retry would;
 * without the key nobody can tell the names apart from random ones or predict them.
 */
export function probeAddresses(domain: string, hash: KeyedHash, nowMs: number, count = CATCH_ALL_PROBES): string[] {
  const day = Math.floor(nowMs / DAY_MS);
  const name = domain.toLowerCase().replace(/\.$/, '');
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let local = '';
    for (let round = 0; local.length < LENGTH; round++) {
      // Rejection sampling keeps every character equally likely.
      for (const byte of hash(`catch-all-probe\u0000${name}\u0000${day}\u0000${i}\u0000${round}`)) {
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

/** What the probes' greylisting asked for: undefined when none was greylisted; the longest hint named, since every probe has to pass. */
export function probesGreylist(classes: readonly Pick<ReplyClass, 'greylisted' | 'retry_after_s'>[]): { retry_after_s?: number } | undefined {
  const greylisted = classes.filter((c) => c.greylisted);
  if (greylisted.length === 0) return undefined;
  const hints = greylisted.flatMap((c) => (c.retry_after_s === undefined ? [] : [c.retry_after_s]));
  return hints.length ? { retry_after_s: Math.max(...hints) } : {};
}
