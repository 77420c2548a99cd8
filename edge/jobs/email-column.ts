/** Header names taken for the address column, compared lower-cased with punctuation and spaces removed. */
const EMAIL_HEADERS = ['email', 'emailaddress', 'mail', 'mailaddress', 'address', 'courriel', 'correo'];

export type ColumnChoice =
  | { header: true; index: number }
  /** No header row: the first record is data, its address column found by its '@'. */
  | { header: false; index: number }
  /** Which column is meant cannot be told: the caller picks one of `columns` (`?column=`). */
  | { error: string; code: 'ambiguous_column' | 'no_such_column'; columns: string[] };

/**
 * Which column holds the addresses: the one the caller named (`?column=`, a header name, or
 * `columnN` for a file without a header), else the header that reads like "email" (the first of
 * EMAIL_HEADERS, else the one header containing "mail"), else, for a file without a header, the
 * one cell of the first row that holds an '@'. Anything else is ambiguous: the error lists the
 * columns for the caller (the page's column picker) to choose from.
 */
export function chooseEmailColumn(first: string[], named: string | undefined): ColumnChoice {
  const headerless = first.some((cell) => cell.includes('@'));
  const columns = headerless ? syntheticHeader(first.length, -1) : first;
  if (named !== undefined) {
    const wanted = named.trim().toLowerCase();
    const index = columns.findIndex((h) => h.trim().toLowerCase() === wanted);
    if (index >= 0) return { header: !headerless, index };
    return { error: `no column named "${named}" in the upload (its columns: ${columns.join(', ')})`, code: 'no_such_column', columns };
  }
  const squeezed = first.map((h) => h.toLowerCase().replace(/[^a-z]/g, ''));
  if (!headerless) {
    for (const name of EMAIL_HEADERS) {
      const index = squeezed.indexOf(name);
      if (index >= 0) return { header: true, index };
    }
    const mailish = squeezed.flatMap((h, i) => (h.includes('mail') ? [i] : []));
    if (mailish.length === 1) return { header: true, index: mailish[0] as number };
  }
  const withAt = first.flatMap((cell, i) => (cell.includes('@') ? [i] : []));
  if (withAt.length === 1) return { header: false, index: withAt[0] as number };
  return {
    error: `which column holds the addresses? ${headerless ? 'Several cells of the first row hold an "@"' : 'No column is named "email"'}; pass ?column=NAME with one of: ${columns.join(', ')}`,
    code: 'ambiguous_column',
    columns,
  };
}

/** Column names for a file without a header: the address column is "email", the others column1, column2 … (all columnN when emailIndex is -1). */
export function syntheticHeader(width: number, emailIndex: number): string[] {
  return Array.from({ length: width }, (_, i) => (i === emailIndex ? 'email' : `column${i + 1}`));
}
