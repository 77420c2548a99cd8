/**
 * Server text as the classifier matches it: addresses removed (see `withoutAddresses`),
 * lowercase, apostrophes dropped ("doesn't" → "doesnt"), every run of other non-alphanumerics one
 * space, and one space padded at each end. A pattern with a space at an edge therefore demands a
 * word boundary there (" locked " does not match "blocked"); a pattern without one is a plain
 * substring ("spamhaus" matches "zen.spamhaus.org"). Plain `includes` only: no regex ever runs
 * over server text.
 */
export function normalizeReplyText(lines: readonly string[], recipient?: string): string {
  const raw = withoutAddresses(lines.join(' ').slice(0, 8192).toLowerCase(), recipient?.toLowerCase());
  let out = ' ';
  for (const ch of raw) {
    if (ch === "'" || ch === '\u2019') continue;
    const alnum = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
    if (alnum) out += ch;
    else if (!out.endsWith(' ')) out += ' ';
  }
  return out.endsWith(' ') ? out : `${out} `;
}

/** An address echoed in a reply is longer than no RFC 5321 path (256) plus its brackets. */
const MAX_BRACKETED = 260;
const ADDRESS_DELIMITERS = new Set([' ', '\t', '<', '>', '(', ')', '[', ']', ':', ';', ',', '"']);

/**
 * The (lowercase) text without the addresses it echoes: `<…>` paths, any `local@domain` token and the
 * recipient itself. "550 <jane@policygenius.com>: unknown user" must not read as a policy
 * refusal, nor "<antispam@…>" as a spam one: the words that judge are the server's own.
 */
export function withoutAddresses(text: string, recipient?: string): string {
  let rest = text;
  if (recipient) rest = removeAll(rest, recipient);
  let out = '';
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '<') {
      const close = rest.indexOf('>', i + 1);
      if (close > i && close - i <= MAX_BRACKETED) {
        out += ' ';
        i = close;
        continue;
      }
    }
    out += rest[i];
  }
  return withoutBareAddresses(out);
}

function withoutBareAddresses(text: string): string {
  let out = '';
  let start = 0;
  let at = text.indexOf('@');
  while (at >= 0) {
    let from = at;
    while (from > start && !ADDRESS_DELIMITERS.has(text[from - 1]!)) from--;
    let to = at + 1;
    while (to < text.length && !ADDRESS_DELIMITERS.has(text[to]!)) to++;
    out += `${text.slice(start, from)} `;
    start = to;
    at = text.indexOf('@', to);
  }
  return out + text.slice(start);
}

function removeAll(text: string, needle: string): string {
  let out = '';
  let start = 0;
  let at = text.indexOf(needle);
  while (at >= 0) {
    out += `${text.slice(start, at)} `;
    start = at + needle.length;
    at = text.indexOf(needle, start);
  }
  return out + text.slice(start);
}

export function matchesAny(normalized: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => normalized.includes(p));
}

/** The normalized text split into words, for scanning numbers next to their units. */
export function wordsOf(normalized: string): string[] {
  return normalized.split(' ').filter((w) => w.length > 0);
}
