import type { Kysely } from 'kysely';
import { csvRecord } from '../csv/csv-writer.ts';
import type { Database } from '../store/schema.ts';

export const RESULT_FORMATS = ['csv', 'json', 'ndjson'] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];

export const CONTENT_TYPES: Record<ResultFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

/** Columns added after the input's own. */
export const RESULT_COLUMNS = ['normalized', 'verdict', 'reason', 'score'] as const;

interface Page {
  row_no: number;
  email: string;
  cells_json: string | null;
  key: string;
  domain: string | null;
  verdict: string | null;
  reason: string | null;
  score: number | null;
}

/**
 * Every row of a job, in input order, as a byte stream that reads the store one page at a time
 * (keyset pagination on the row number), so a million rows never sit in memory. Rows still being
 * worked on come out with an empty verdict.
 */
export function resultsStream(db: Kysely<Database>, job: { id: string; columns: string[] | null }, format: ResultFormat, pageSize = 1000): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const columns = job.columns ?? ['email'];
  let after = 0;
  let first = true;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const page = await readPage(db, job.id, after, pageSize);
      let text = '';
      if (first) text += format === 'csv' ? csvRecord([...columns, ...RESULT_COLUMNS]) : format === 'json' ? '[' : '';
      for (const row of page) {
        if (format === 'csv') text += csvRecord([...inputCells(row), row.domain === null ? '' : row.key, row.verdict, row.reason, row.score]);
        else text += `${format === 'json' && !(first && row === page[0]) ? ',\n' : ''}${JSON.stringify(toObject(row, job.columns))}${format === 'ndjson' ? '\n' : ''}`;
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

function readPage(db: Kysely<Database>, jobId: string, after: number, limit: number): Promise<Page[]> {
  return db
    .selectFrom('job_rows as r')
    .innerJoin('job_items as i', 'i.id', 'r.item_id')
    .select(['r.row_no', 'r.email', 'r.cells_json', 'i.key', 'i.domain', 'i.verdict', 'i.reason', 'i.score'])
    .where('r.job_id', '=', jobId)
    .where('r.row_no', '>', after)
    .orderBy('r.row_no')
    .limit(limit)
    .execute();
}

function inputCells(row: Page): string[] {
  // A CSV row keeps its cells; a JSON entry contributes its address alone to the CSV.
  if (row.cells_json === null) return [row.email];
  const cells: unknown = JSON.parse(row.cells_json);
  return Array.isArray(cells) ? cells.map(String) : [row.email];
}

function toObject(row: Page, columns: string[] | null): Record<string, unknown> {
  const out: Record<string, unknown> = {
    row: row.row_no,
    email: row.email,
    normalized: row.domain === null ? null : row.key,
    verdict: row.verdict,
    reason: row.reason,
    score: row.score,
  };
  if (row.cells_json !== null) {
    const cells: unknown = JSON.parse(row.cells_json);
    out.input = Array.isArray(cells) && columns ? Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? ''])) : cells;
  }
  return out;
}
