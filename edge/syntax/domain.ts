import { checkWholeDomain, scanDomain, type DomainShape } from './domain-name.ts';
import { fail, type SyntaxFailure } from './failure.ts';
import { MAX_TYPED_IDN_LENGTH, toALabel } from './idn.ts';
import { meter } from './meter.ts';

export interface ReadDomain {
  /** Lower-cased A-label form. */
  ascii: string;
  /** As typed, when that needed UTS-46 (an IDN); otherwise undefined. */
  unicode: string | undefined;
}

/**
 * Reads the domain from s[start] to the end. Plain LDH names (the common case) are checked and
 * lower-cased here without a URL object; names with non-ASCII or an `xn--` label go through
 * UTS-46, and their A-label form is then held to the same rules.
 */
export function readDomain(s: string, start: number): ReadDomain | SyntaxFailure {
  const typed = scanDomain(s, start, s.length);
  if ('rule' in typed) return typed;
  if (!typed.nonAscii && !typed.aLabel) {
    const ascii = typed.upper ? s.slice(start).toLowerCase() : s.slice(start);
    return checkWholeDomain(ascii, typed, start) ?? { ascii, unicode: undefined };
  }
  if (s.length - start > MAX_TYPED_IDN_LENGTH) return fail('domain_too_long', start);
  const unicode = s.slice(start);
  const ascii = toALabel(unicode);
  if (ascii === null) return fail('domain_idn_invalid', start);
  const shape = scanDomain(ascii, 0, ascii.length);
  const broken = 'rule' in shape ? shape : checkWholeDomain(ascii, shape, 0);
  if (broken) return fail(broken.rule, typedPosition(s, start, typed, ascii, broken.position));
  return { ascii, unicode: typed.nonAscii ? unicode : undefined };
}

/**
 * Maps a position in the A-label form back to the start of the same label as typed. When
 * UTS-46 changed the number of labels the mapping is lost, and the domain's start is given.
 */
function typedPosition(s: string, start: number, typed: DomainShape, ascii: string, position: number): number {
  let label = 0;
  let labels = 1;
  for (let i = 0; i < ascii.length; i++) {
    meter[0]!++;
    if (ascii.charCodeAt(i) !== 46) continue;
    if (i < position) label++;
    labels++;
  }
  if (labels !== typed.labels) return start;
  for (let i = start, seen = 0; i < s.length && seen < label; i++) {
    meter[0]!++;
    const c = s.charCodeAt(i);
    if (c === 46 || c === 0x3002 || c === 0xff0e || c === 0xff61) {
      if (++seen === label) return i + 1;
    }
  }
  return start;
}
