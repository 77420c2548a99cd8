/** Header names taken for the address column, compared lower-cased with punctuation and spaces removed. */
const EMAIL_HEADERS = ['email', 'emailaddress', 'mail', 'mailaddress', 'address', 'courriel', 'correo'];

export type ColumnChoice =
  | { header: true; index: number }
  /** No header row: the first record is data, its address column found by its '@'. */
  | { header: false; index: number }
  | { error: string };

/**
 * Which column holds the addresses: the one the caller named (`?column=`), else the first header
 * that reads like "email", else — for a file without a header — the one cell of the first row
 * that holds an '@'.
 */
export function chooseEmailColumn(first: string[], named: string | undefined): ColumnChoice {
  if (named !== undefined) {
    const index = first.findIndex((h) => h.trim().toLowerCase() === named.trim().toLowerCase());
    return index >= 0 ? { header: true, index } : { error: `no column named "${named}" in the header (${first.join(', ')})` };
  }
  const squeezed = first.map((h) => h.toLowerCase().replace(/[^a-z]/g, ''));
  for (const name of EMAIL_HEADERS) {
    const index = squeezed.indexOf(name);
    if (index >= 0) return { header: true, index };
  }
  const withAt = first.flatMap((cell, i) => (cell.includes('@') ? [i] : []));
  if (withAt.length === 1) return { header: false, index: withAt[0] as number };
  return { error: 'no email column: name it "email" in the header or pass ?column=NAME' };
}

/** Column names for a file without a header: the address column is "email", the others column2, column3 … */
export function syntheticHeader(width: number, emailIndex: number): string[] {
  return Array.from({ length: width }, (_, i) => (i === emailIndex ? 'email' : `column${i + 1}`));
}
