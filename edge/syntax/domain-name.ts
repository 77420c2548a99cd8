import { CLASSES, DIGIT, LET_DIG, UPPER } from './char-classes.ts';
import { fail, type SyntaxFailure } from './failure.ts';
import { meter } from './meter.ts';

/** RFC 1035 §2.3.4: 63 octets a label, 253 a name in text form (255 on the wire). */
export const MAX_LABEL_OCTETS = 63;
export const MAX_DOMAIN_OCTETS = 253;

const DOT = 46;
const HYPHEN = 45;

/** What one pass over a domain learned, so the caller picks the fast or the IDN route. */
export interface DomainShape {
  nonAscii: boolean;
  upper: boolean;
  /** Some label is an A-label (`xn--`), which only UTS-46 can validate. */
  aLabel: boolean;
  labels: number;
  lastLabelStart: number;
}

/** UTS-46 maps these to a full stop, so they end a label as typed (IDNA2008 §3.1 / UTS-46 §2.3). */
function isLabelSeparator(c: number): boolean {
  return c === DOT || c === 0x3002 || c === 0xff0e || c === 0xff61;
}

/** Hyphen-minus and the two forms UTS-46 maps onto it. */
function isHyphen(c: number): boolean {
  return c === HYPHEN || c === 0xfe63 || c === 0xff0d;
}

/**
 * Checks the labels of s[start, end) (RFC 5321 sub-domain: Let-dig [Ldh-str]) as typed.
 * ASCII must be letters, digits, hyphens and dots; other code units are left to UTS-46. An
 * ASCII label is held to 63 octets here; a label with non-ASCII is measured as an A-label later
 * (it keeps all its ASCII, so 64 ASCII characters already break the limit).
 */
export function scanDomain(s: string, start: number, end: number): DomainShape | SyntaxFailure {
  let nonAscii = false;
  let upper = false;
  let aLabel = false;
  let labels = 1;
  let labelStart = start;
  let labelAscii = 0;
  for (let i = start; i < end; i++) {
    meter[0]!++;
    const c = s.charCodeAt(i);
    if (isLabelSeparator(c)) {
      const broken = checkLabel(s, labelStart, i, false);
      if (broken) return broken;
      labels++;
      labelStart = i + 1;
      labelAscii = 0;
      if (c !== DOT) nonAscii = true; // an ideographic stop: UTS-46 must map it
      continue;
    }
    if (c < 128) {
      const cls = CLASSES[c]!;
      if ((cls & LET_DIG) === 0 && c !== HYPHEN) return fail('domain_invalid_character', i);
      if (++labelAscii > MAX_LABEL_OCTETS) return fail('domain_label_too_long', i);
      if (cls & UPPER) upper = true;
      if (c === HYPHEN && i === labelStart + 3 && isALabelPrefix(s, labelStart)) aLabel = true;
    } else {
      nonAscii = true;
    }
  }
  const broken = checkLabel(s, labelStart, end, true);
  if (broken) return broken;
  return { nonAscii, upper, aLabel, labels, lastLabelStart: labelStart };
}

/** An empty label is reported at the dot that opens it, or at the trailing dot for the last one. */
function checkLabel(s: string, from: number, to: number, last: boolean): SyntaxFailure | undefined {
  if (from === to) return fail('domain_label_empty', last ? from - 1 : from);
  if (isHyphen(s.charCodeAt(from))) return fail('domain_label_hyphen', from);
  if (isHyphen(s.charCodeAt(to - 1))) return fail('domain_label_hyphen', to - 1);
  return undefined;
}

function isALabelPrefix(s: string, at: number): boolean {
  return (s.charCodeAt(at) | 0x20) === 0x78 && (s.charCodeAt(at + 1) | 0x20) === 0x6e && s.charCodeAt(at + 2) === HYPHEN;
}

/**
 * Rules on the domain as a whole, applied to its ASCII (A-label) form: the length limit, at
 * least two labels (ICANN allows no dotless mail domains), and a top-level label that starts
 * with a letter (RFC 3696 §2: no all-numeric TLD; this also refuses the forms a URL parser would
 * read as an IPv4 number, like `0x7f` or `1.2.3.4` without brackets).
 */
export function checkWholeDomain(ascii: string, shape: Pick<DomainShape, 'labels' | 'lastLabelStart'>, offset: number): SyntaxFailure | undefined {
  if (ascii.length > MAX_DOMAIN_OCTETS) return fail('domain_too_long', offset + MAX_DOMAIN_OCTETS);
  if (shape.labels < 2) return fail('domain_single_label', offset);
  const tld = ascii.charCodeAt(shape.lastLabelStart - offset);
  if (tld < 128 && (CLASSES[tld]! & DIGIT) !== 0) return fail('domain_numeric_tld', shape.lastLabelStart);
  return undefined;
}
