/**
 * ASCII character classes of RFC 5321 §4.1.2 as bit flags in a 128-entry table, so the
 * parser tests a class with one array read instead of a regular expression.
 */
export const ATEXT = 1;
export const LET_DIG = 2;
export const HEX = 4;
export const DIGIT = 8;
/** dcontent of a general address literal: printable ASCII except `[`, `\` and `]`. */
export const DCONTENT = 16;
export const UPPER = 32;

export const CLASSES = buildTable();

function buildTable(): Uint8Array {
  const table = new Uint8Array(128);
  const add = (chars: string, flag: number) => {
    for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)]! |= flag;
  };
  const lower = 'abcdefghijklmnopqrstuvwxyz';
  const upper = lower.toUpperCase();
  const digits = '0123456789';
  add(lower + upper + digits + "!#$%&'*+-/=?^_`{|}~", ATEXT);
  add(lower + upper + digits, LET_DIG);
  add(digits + 'abcdefABCDEF', HEX);
  add(digits, DIGIT);
  add(upper, UPPER);
  for (let c = 33; c <= 126; c++) if (c !== 91 && c !== 92 && c !== 93) table[c]! |= DCONTENT;
  return table;
}

/** C0 controls, DEL and C1 controls: never part of an address, and CR/LF would inject SMTP commands. */
export function isControl(c: number): boolean {
  return c < 0x20 || (c >= 0x7f && c <= 0x9f);
}

export function hasClass(c: number, flag: number): boolean {
  return c < 128 && (CLASSES[c]! & flag) !== 0;
}
