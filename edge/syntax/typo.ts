import { boundedOsa } from './edit-distance.ts';
import { meter } from './meter.ts';
import { PROVIDER_DOMAINS, TLD_TYPOS } from './typo-targets.ts';

const KNOWN = new Set(PROVIDER_DOMAINS);
const TARGETS = PROVIDER_DOMAINS.map((domain) => ({ domain, mask: charMask(domain) }));

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

/** Longer names tolerate more slips; short ones are too close to everything to guess. */
function maxDistance(length: number): number {
  if (length < 6) return 0;
  return length < 10 ? 1 : 2;
}

function nearestProvider(domain: string): string | undefined {
  const max = maxDistance(domain.length);
  if (max === 0) return undefined;
  const mask = charMask(domain);
  let best: string | undefined;
  let bestDistance = max + 1;
  for (const target of TARGETS) {
    // One edit adds or removes at most one character, so flips at most two bits of the set
    // of characters present: a cheap, exact filter before the quadratic comparison.
    if (popcount(mask ^ target.mask) > 2 * max) continue;
    const d = boundedOsa(domain, target.domain, bestDistance - 1);
    if (d < bestDistance) {
      best = target.domain;
      bestDistance = d;
      if (d === 1) break;
    }
  }
  return best;
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
    meter.steps++;
    mask |= 1 << (s.charCodeAt(i) & 31);
  }
  return mask;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
