import { csvRecords } from '../csv/csv-records.ts';
import { chooseEmailColumn, syntheticHeader } from './email-column.ts';
import { jsonArrayItems } from './json-array-items.ts';
import type { UploadLimits } from './upload-limits.ts';

/** One input row: its address cell and what else it carried, kept verbatim for the output. */
export interface IntakeRow {
  email: string;
  /** JSON of the row's cells (CSV) or of the object's other fields (JSON); null for a bare string. */
  cells: string | null;
}

/** Why an upload was refused, for a person and (code, columns) for a program or the page's column picker. */
export interface IntakeError {
  error: string;
  code?: 'ambiguous_column' | 'no_such_column';
  columns?: string[];
  /** A cell or row outgrew the upload limits (413, not 400). */
  tooLarge?: true;
}

/** First the columns (null for a JSON list), then rows; a malformed input ends with an error. */
export type IntakeEvent = { columns: string[] | null } | { row: IntakeRow } | IntakeError;

export async function* csvIntake(body: ReadableStream<Uint8Array>, column?: string, limits?: UploadLimits): AsyncGenerator<IntakeEvent> {
  let emailIndex = -1;
  for await (const event of csvRecords(body, limits)) {
    if ('error' in event) return yield { error: `line ${event.error.line}: ${event.error.message}`, ...(event.error.tooLarge ? { tooLarge: true as const } : {}) };
    const { record } = event;
    if (emailIndex < 0) {
      const choice = chooseEmailColumn(record, column);
      if ('error' in choice) return yield choice;
      emailIndex = choice.index;
      yield { columns: choice.header ? record : syntheticHeader(record.length, choice.index) };
      if (choice.header) continue;
    }
    yield { row: { email: record[emailIndex] ?? '', cells: JSON.stringify(record) } };
  }
}

export async function* jsonIntake(body: ReadableStream<Uint8Array>, limits?: UploadLimits): AsyncGenerator<IntakeEvent> {
  yield { columns: null };
  let n = 0;
  for await (const event of jsonArrayItems(body, limits)) {
    if ('error' in event) return yield event;
    n++;
    const row = toRow(event.value);
    if (!row) return yield { error: `element ${n}: expected a string or an object with an "email" string` };
    yield { row };
  }
}

function toRow(value: unknown): IntakeRow | null {
  if (typeof value === 'string') return { email: value, cells: null };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { email, ...rest } = value as Record<string, unknown>;
  if (typeof email !== 'string') return null;
  return { email, cells: Object.keys(rest).length > 0 ? JSON.stringify(rest) : null };
}
