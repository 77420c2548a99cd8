import { ATEXT, CLASSES } from './char-classes.ts';
import { fail, type SyntaxFailure } from './failure.ts';
import { meter } from './meter.ts';

/** RFC 5321 §4.5.3.1.1, counted in the UTF-8 octets an SMTPUTF8 RCPT TO carries. */
export const MAX_LOCAL_OCTETS = 64;

const DOT = 46;
const AT = 64;
const QUOTE = 34;
const BACKSLASH = 92;

/**
 * Reads the Local-part (Dot-string or Quoted-string, RFC 5321 §4.1.2, with RFC 6531's UTF-8
 * extension) from the start of `s`; returns the index of the `@` that ends it. Control
 * characters and lone surrogates were rejected before, so any code unit ≥ 0x80 here is part
 * of valid UTF-16.
 */
export function readLocalPart(s: string): number | SyntaxFailure {
  const end = s.charCodeAt(0) === QUOTE ? readQuotedString(s) : readDotString(s);
  if (typeof end !== 'number') return end;
  if (end === s.length) return fail('no_at_sign', end);
  if (s.charCodeAt(end) !== AT) return fail('local_part_invalid_character', end);
  const overflow = octetOverflow(s, end);
  return overflow < 0 ? end : fail('local_part_too_long', overflow);
}

/** Returns the index just past the dot-string: at `@`, at the end, or a failure. */
function readDotString(s: string): number | SyntaxFailure {
  let i = 0;
  let previous = DOT; // a dot "before" the start makes a leading dot a placement error
  for (; i < s.length; i++) {
    meter[0]!++;
    const c = s.charCodeAt(i);
    if (c === AT) break;
    if (c === DOT) {
      if (previous === DOT) return fail('local_part_dot_placement', i);
    } else if (c < 128 && (CLASSES[c]! & ATEXT) === 0) {
      return fail('local_part_invalid_character', i);
    }
    previous = c;
  }
  if (i === 0 && i < s.length) return fail('local_part_empty', 0);
  if (previous === DOT && i > 0 && i < s.length) return fail('local_part_dot_placement', i - 1);
  return i;
}

/** Returns the index just past the closing quote. */
function readQuotedString(s: string): number | SyntaxFailure {
  for (let i = 1; i < s.length; i++) {
    meter[0]!++;
    const c = s.charCodeAt(i);
    if (c === QUOTE) return i === 1 ? fail('local_part_empty', 0) : i + 1;
    if (c === BACKSLASH) {
      if (++i === s.length) break;
      meter[0]!++;
      // quoted-pairSMTP is ASCII only: RFC 6531 widens qtext, not the pair.
      const escaped = s.charCodeAt(i);
      if (escaped < 32 || escaped > 126) return fail('quoted_string_invalid_character', i);
    }
    // Every other code unit left after the input scan is qtextSMTP or UTF-8 non-ASCII.
  }
  return fail('quoted_string_unterminated', 0);
}

/** The index of the code unit whose UTF-8 octets pass the limit, or -1. */
function octetOverflow(s: string, end: number): number {
  if (end * 3 <= MAX_LOCAL_OCTETS) return -1; // a UTF-16 unit never needs more than 3 octets
  let octets = 0;
  for (let i = 0; i < end; i++) {
    meter[0]!++;
    octets += utf8Octets(s.charCodeAt(i));
    if (octets > MAX_LOCAL_OCTETS) return i;
  }
  return -1;
}

/** UTF-8 octets of one UTF-16 code unit: a surrogate pair is 4 octets, 2 per half. */
export function utf8Octets(c: number): number {
  if (c < 0x80) return 1;
  if (c < 0x800) return 2;
  if (c >= 0xd800 && c <= 0xdfff) return 2;
  return 3;
}
