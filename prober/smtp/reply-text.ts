/**
 * Server text as the classifier matches it: lowercase, apostrophes dropped ("doesn't" → "doesnt"),
 * every run of other non-alphanumerics one space, and one space padded at each end. A pattern
 * with a space at an edge therefore demands a word boundary there (" locked " does not match
 * "blocked"); a pattern without one is a plain substring ("spamhaus" matches "zen.spamhaus.org").
 * Plain `includes` only: no regex ever runs over server text.
 */
export function normalizeReplyText(lines: readonly string[]): string {
  const raw = lines.join(' ').slice(0, 8192).toLowerCase();
  let out = ' ';
  for (const ch of raw) {
    if (ch === "'" || ch === '\u2019') continue;
    const alnum = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
    if (alnum) out += ch;
    else if (!out.endsWith(' ')) out += ' ';
  }
  return out.endsWith(' ') ? out : `${out} `;
}

export function matchesAny(normalized: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => normalized.includes(p));
}

/** The normalized text split into words, for scanning numbers next to their units. */
export function wordsOf(normalized: string): string[] {
  return normalized.split(' ').filter((w) => w.length > 0);
}
