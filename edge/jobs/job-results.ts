import type { Kysely } from 'kysely';
import type { VerificationResult, Verdict } from '../../protocol/index.ts';
import { portablePacking } from '../store/deflate-portable.ts';
import type { ResultPacking } from '../store/packed-result.ts';
import type { Database } from '../store/schema.ts';
import { exportFields, RESULT_COLUMNS, storedResult, type ExportFields, type StoredItem } from './export-row.ts';
import { csvRecord } from '../csv/csv-writer.ts';

export const RESULT_FORMATS = ['csv', 'json', 'ndjson'] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];

export const CONTENT_TYPES: Record<ResultFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

/** The file name offered for download (Content-Disposition). */
export function resultsFileName(id: string, format: ResultFormat): string {
  return `bouncezero-${id}.${format}`;
}

export interface ResultsJob {
  id: string;
  columns: string[] | null;
  cancelled: boolean;
  /** Only rows with these verdicts (`?verdict=`); all rows when absent. */
  verdicts?: readonly Verdict[];
  /** `?detail=full`: each JSON row carries the whole stored result (DNS, transcript) as `result`. */
  full?: boolean;
}

interface Page extends StoredItem {
  row_no: number;
  email: string;
  cells_json: string | null;
}

/**
 * Every row of a job, in input order, as a byte stream that reads the store one page at a time
 * (keyset pagination on the row number), so a million rows never sit in memory. It can be read
 * while the job runs: rows still being worked on come out with an empty verdict and their state
 * (pending, or waiting_retry with next_retry_at); those a cancelled job never reached say `cancelled`.
 */
export function resultsStream(db: Kysely<Database>, job: ResultsJob, format: ResultFormat, packing: ResultPacking = portablePacking, pageSize = 1000): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const columns = job.columns ?? ['email'];
  let after = 0;
  let first = true;
  let written = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const page = await readPage(db, job, after, pageSize);
      let text = '';
      if (first) text += format === 'csv' ? csvRecord([...columns, ...RESULT_COLUMNS]) : format === 'json' ? '[' : '';
      for (const row of page) {
        const result = storedResult(row, packing);
        const fields = exportFields(row, job.cancelled, result);
        if (format === 'csv') text += csvRecord([...inputCells(row), ...RESULT_COLUMNS.map((c) => fields[c])]);
        else text += `${format === 'json' && written ? ',\n' : ''}${JSON.stringify(toObject(row, job.columns, fields, job.full ? result : undefined))}${format === 'ndjson' ? '\n' : ''}`;
        written = true;
      }
      first = false;
      const last = page.at(-1);
      if (last) after = last.row_no;
      if (page.length < pageSize) {
        if (format === 'json') text += ']\n';
        if (text) controller.enqueue(encoder.encode(text));
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(text));
    },
  });
}

function readPage(db: Kysely<Database>, job: ResultsJob, after: number, limit: number): Promise<Page[]> {
  let query = db
    .selectFrom('job_rows as r')
    .innerJoin('job_items as i', 'i.id', 'r.item_id')
    .select(['r.row_no', 'r.email', 'r.cells_json', 'i.key', 'i.domain', 'i.verdict', 'i.reason', 'i.score', 'i.result_json', 'i.state', 'i.due_at'])
    .where('r.job_id', '=', job.id)
    .where('r.row_no', '>', after);
  if (job.verdicts) query = query.where('i.verdict', 'in', job.verdicts);
  return query.orderBy('r.row_no').limit(limit).execute();
}

function inputCells(row: Page): string[] {
  // A CSV row keeps its cells; a JSON entry contributes its address alone to the CSV.
  if (row.cells_json === null) return [row.email];
  const cells: unknown = JSON.parse(row.cells_json);
  return Array.isArray(cells) ? cells.map(String) : [row.email];
}

function toObject(row: Page, columns: string[] | null, fields: ExportFields, result: VerificationResult | null | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { row: row.row_no, email: row.email, ...fields };
  if (row.cells_json !== null) {
    const cells: unknown = JSON.parse(row.cells_json);
    out.input = Array.isArray(cells) && columns ? Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? ''])) : cells;
  }
  if (result !== undefined) out.result = result;
  return out;
}
