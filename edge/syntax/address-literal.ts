import { CLASSES, DCONTENT, DIGIT, HEX, LET_DIG } from './char-classes.ts';
import { fail, type SyntaxFailure } from './failure.ts';
import { meter } from './meter.ts';

const OPEN = 91;
const CLOSE = 93;
const COLON = 58;
const DOT = 46;
const HYPHEN = 45;

/**
 * Reads an address literal (RFC 5321 §4.1.3) that starts at s[open] === '[' and must end the
 * input. Returns its normalized text (an IPv6 tag spelled `IPv6:` and hex in lower case).
 */
export function readAddressLiteral(s: string, open: number): string | SyntaxFailure {
  let close = open + 1;
  while (close < s.length && s.charCodeAt(close) !== CLOSE) {
    meter[0]!++;
    close++;
  }
  if (close === s.length) return fail('address_literal_invalid', open);
  if (close + 1 < s.length) return fail('trailing_characters', close + 1);
  const from = open + 1;
  const colon = indexOf(s, COLON, from, close);
  if (colon < 0) return isIPv4(s, from, close) ? s.slice(open, close + 1) : fail('address_literal_invalid', open);
  if (colon - from === 4 && s.slice(from, colon).toLowerCase() === 'ipv6') {
    return isIPv6(s, colon + 1, close) ? `[IPv6:${s.slice(colon + 1, close).toLowerCase()}]` : fail('address_literal_invalid', open);
  }
  return isGeneralLiteral(s, from, colon, close) ? s.slice(open, close + 1) : fail('address_literal_invalid', open);
}

function indexOf(s: string, c: number, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    meter[0]!++;
    if (s.charCodeAt(i) === c) return i;
  }
  return -1;
}

function isDigit(c: number): boolean {
  return c < 128 && (CLASSES[c]! & DIGIT) !== 0;
}

/** Snum 3("." Snum), Snum = 1*3DIGIT with a value of 0 to 255. */
export function isIPv4(s: string, from: number, to: number): boolean {
  let i = from;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (i >= to || s.charCodeAt(i) !== DOT) return false;
      i++;
    }
    let value = 0;
    const digitsStart = i;
    while (i < to && i - digitsStart < 3 && isDigit(s.charCodeAt(i))) {
      meter[0]!++;
      value = value * 10 + s.charCodeAt(i) - 48;
      i++;
    }
    if (i === digitsStart || value > 255) return false;
  }
  return i === to;
}

/**
 * The four IPv6 forms of RFC 5321 §4.1.3: eight groups, or six and an IPv4 tail; with `::`
 * standing for at least two zero groups, so at most six groups (a tail counting two) may be
 * written beside it.
 */
export function isIPv6(s: string, from: number, to: number): boolean {
  let groups = 0;
  let compressed = false;
  let i = from;
  if (i + 1 < to && s.charCodeAt(i) === COLON && s.charCodeAt(i + 1) === COLON) {
    compressed = true;
    i += 2;
  }
  while (i < to) {
    const groupStart = i;
    while (i < to && i - groupStart < 5 && s.charCodeAt(i) < 128 && (CLASSES[s.charCodeAt(i)]! & HEX) !== 0) {
      meter[0]!++;
      i++;
    }
    if (i < to && s.charCodeAt(i) === DOT) {
      if (!isIPv4(s, groupStart, to)) return false;
      groups += 2;
      i = to;
      break;
    }
    if (i === groupStart || i - groupStart > 4) return false;
    groups++;
    if (i === to) break;
    if (s.charCodeAt(i) !== COLON) return false;
    i++;
    if (i < to && s.charCodeAt(i) === COLON) {
      if (compressed) return false;
      compressed = true;
      i++;
    } else if (i === to) {
      return false;
    }
  }
  return compressed ? groups <= 6 : groups === 8;
}

/** Standardized-tag ":" 1*dcontent, the tag an Ldh-str (letters, digits, hyphens; not ending in one). */
function isGeneralLiteral(s: string, from: number, colon: number, close: number): boolean {
  if (colon === from || colon + 1 === close) return false;
  for (let i = from; i < colon; i++) {
    meter[0]!++;
    const c = s.charCodeAt(i);
    if (c >= 128 || ((CLASSES[c]! & LET_DIG) === 0 && c !== HYPHEN)) return false;
  }
  if (s.charCodeAt(colon - 1) === HYPHEN) return false;
  for (let i = colon + 1; i < close; i++) {
    meter[0]!++;
    const c = s.charCodeAt(i);
    if (c >= 128 || (CLASSES[c]! & DCONTENT) === 0) return false;
  }
  return true;
}
