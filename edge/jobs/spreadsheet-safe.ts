import { csvField } from '../csv/csv-writer.ts';

type Cell = string | number | boolean | null | undefined;

/** What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV record that no spreadsheet executes: a cell starting with `=`, `+`, `-`, `@`, tab or
 * CR gets a leading `'` and is always quoted, as OWASP advises, so `=HYPERLINK(…)` shows as
 * text. Every cell goes through it, our own columns included: `=1+1@example.com` is a valid
 * address, so even `normalized` may start with `=`. The JSON formats carry values unchanged.
 */
export function spreadsheetSafeRecord(cells: readonly Cell[]): string {
  return `${cells.map(spreadsheetSafeField).join(',')}\r\n`;
}

export function spreadsheetSafeField(value: Cell): string {
  const text = value === null || value === undefined ? '' : String(value);
  return FORMULA_START.test(text) ? `"'${text.replaceAll('"', '""')}"` : csvField(text);
}
