import { readAddressLiteral } from './address-literal.ts';
import { readDomain } from './domain.ts';
import { fail, type SyntaxFailure } from './failure.ts';
import { scanInput } from './input-scan.ts';
import { readLocalPart, utf8Octets } from './local-part.ts';
import { meter } from './meter.ts';

/** RFC 5321 §4.5.3.1.3: a path is 256 octets with its angle brackets, so 254 for the address. */
export const MAX_ADDRESS_OCTETS = 254;

export interface Mailbox {
  local: string;
  /** Lower-cased A-label form, or the normalized bracketed literal. */
  domain: string;
  /** The domain as typed when it was an IDN. */
  domainUnicode: string | undefined;
  literal: boolean;
  /** The local part has non-ASCII, so RCPT TO needs SMTPUTF8 (RFC 6531). */
  utf8Local: boolean;
}

/**
 * The RFC 5321 Mailbox of RCPT TO, read left to right in one pass per stage (every loop moves
 * forward, nothing backtracks). Errors are checked in the order the text is read, syntax before
 * length; limits are counted in the octets that would go on the wire: the local part in UTF-8,
 * the domain as its A-label.
 */
export function parseMailbox(s: string): Mailbox | SyntaxFailure {
  if (s.length === 0) return fail('empty', 0);
  const nonAscii = scanInput(s);
  if (typeof nonAscii !== 'boolean') return nonAscii;
  const at = readLocalPart(s);
  if (typeof at !== 'number') return at;
  const start = at + 1;
  if (start === s.length) return fail('domain_empty', start);
  const literal = s.charCodeAt(start) === 91;
  let domain: string;
  let domainUnicode: string | undefined;
  if (literal) {
    const read = readAddressLiteral(s, start);
    if (typeof read !== 'string') return read;
    domain = read;
  } else {
    const read = readDomain(s, start);
    if ('rule' in read) return read;
    domain = read.ascii;
    domainUnicode = read.unicode;
  }
  const localOctets = nonAscii ? octets(s, at) : at;
  if (localOctets + 1 + domain.length > MAX_ADDRESS_OCTETS) {
    return fail('address_too_long', domainUnicode === undefined ? start + MAX_ADDRESS_OCTETS - 1 - localOctets : start);
  }
  return { local: s.slice(0, at), domain, domainUnicode, literal, utf8Local: localOctets !== at };
}

function octets(s: string, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) {
    meter[0]!++;
    n += utf8Octets(s.charCodeAt(i));
  }
  return n;
}
