type Cell = string | number | boolean | null | undefined;

const NEEDS_QUOTES = /[",\r\n]/;
/** What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV record (RFC 4180, CRLF-terminated) that no spreadsheet executes: every CSV we write
 * (job exports, the CLI's --format csv) is opened in one. A cell starting with `=`, `+`, `-`,
 * `@`, tab or CR gets a leading `'` and is always quoted, as OWASP advises, so `=HYPERLINK(…)`
 * shows as text; even an address may start with `=` (`=1+1@example.com` is valid). Other
 * cells are quoted only when they must be. The JSON formats carry values unchanged.
 */
export function csvRecord(cells: readonly Cell[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

function csvField(value: Cell): string {
  const text = value === null || value === undefined ? '' : String(value);
  if (FORMULA_START.test(text)) return `"'${text.replaceAll('"', '""')}"`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
