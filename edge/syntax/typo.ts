import { boundedOsa } from './edit-distance.ts';
import { meter } from './meter.ts';
import { PROVIDER_DOMAINS, TLD_TYPOS } from './typo-targets.ts';

const KNOWN = new Set(PROVIDER_DOMAINS);
/** Targets by length, so a domain is compared only with those a few edits can reach. */
const BY_LENGTH = groupByLength(PROVIDER_DOMAINS);
const NONE: readonly Target[] = [];

interface Target {
  domain: string;
  mask: number;
  /** Position in PROVIDER_DOMAINS: breaks ties toward the more common provider. */
  rank: number;
}

/**
 * A likely intended domain for a mistyped one (gmial.com → gmail.com, example.con →
 * example.com), or undefined. Only a hint: the caller never lets it change validity.
 */
export function suggestDomain(domain: string): string | undefined {
  if (KNOWN.has(domain)) return undefined;
  const fixed = fixTld(domain);
  if (KNOWN.has(fixed)) return fixed;
  return nearestProvider(fixed) ?? (fixed === domain ? undefined : fixed);
}

/**
 * Longer names tolerate more slips; short ones are too close to everything to guess. One slip
 * (a transposition counts as one) covers nearly every real typo of the common 9–11 character
 * provider names; two are allowed only from 12 characters on.
 */
function maxDistance(length: number): number {
  if (length < 6) return 0;
  return length < 12 ? 1 : 2;
}

function nearestProvider(domain: string): string | undefined {
  const max = maxDistance(domain.length);
  if (max === 0) return undefined;
  const mask = charMask(domain);
  let best: Target | undefined;
  let bestDistance = max + 1;
  for (let length = domain.length - max; length <= domain.length + max; length++) {
    for (const target of BY_LENGTH[length] ?? NONE) {
      // One edit adds or removes at most one character, so flips at most two bits of the set
      // of characters present: a cheap, exact filter before the comparison.
      if (popcount(mask ^ target.mask) > 2 * max) continue;
      const d = boundedOsa(domain, target.domain, Math.min(max, bestDistance));
      if (d > max) continue;
      if (d < bestDistance || (d === bestDistance && best !== undefined && target.rank < best.rank)) {
        best = target;
        bestDistance = d;
      }
    }
  }
  return best?.domain;
}

function groupByLength(domains: readonly string[]): Target[][] {
  const groups: Target[][] = [];
  domains.forEach((domain, rank) => (groups[domain.length] ??= []).push({ domain, mask: charMask(domain), rank }));
  return groups;
}

function fixTld(domain: string): string {
  const dot = domain.lastIndexOf('.');
  const tld = domain.slice(dot + 1);
  const fixed = Object.hasOwn(TLD_TYPOS, tld) ? TLD_TYPOS[tld] : undefined;
  return fixed === undefined ? domain : domain.slice(0, dot + 1) + fixed;
}

/** One bit per character present, letters and digits folded onto 32 buckets. */
function charMask(s: string): number {
  let mask = 0;
  for (let i = 0; i < s.length; i++) {
    meter[0]!++;
    mask |= 1 << (s.charCodeAt(i) & 31);
  }
  return mask;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
