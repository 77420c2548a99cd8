import { meter } from './meter.ts';

/**
 * Typed IDN domains longer than this are refused before UTS-46 runs: Punycode encoding is
 * quadratic in the worst case, and no real domain comes near this in any typed form.
 */
export const MAX_TYPED_IDN_LENGTH = 1024;

/**
 * UTS-46 ToASCII (nontransitional, as browsers do) through the WHATWG URL host parser, which
 * Node, Deno and browsers share, so no Punycode is written here. Returns the lower-cased
 * A-label form, or null when UTS-46 refuses the name (disallowed code points, bad Punycode,
 * a bidi or joiner rule). The caller has already ensured the only ASCII in `domain` is letters,
 * digits, hyphens and dots, so nothing in it can end the URL's host early.
 */
export function toALabel(domain: string): string | null {
  meter[0]! += domain.length;
  try {
    return new URL(`http://${domain}/`).hostname;
  } catch {
    return null;
  }
}
