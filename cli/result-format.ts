import { csvRecord } from '../edge/csv/csv-writer.ts';
import { reasonWords, VERDICTS, type Verdict } from '../protocol/index.ts';

export const FORMATS = ['json', 'table', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

/** The fields every format shows; json keeps the whole result. */
interface ResultLike {
  email?: unknown;
  normalized?: unknown;
  verdict?: unknown;
  reason?: unknown;
  score?: unknown;
}

/** The reason's words (protocol/reason-words.ts) come last, as in the job export and on the page. */
const COLUMNS = ['email', 'normalized', 'verdict', 'reason', 'score', 'reason_text'] as const;
const WIDTHS = [32, 32, 13, 22, 5];

/** Writes results one line at a time, so a long stdin stream prints as it goes. */
export function resultLines(format: Format): { header(): string; line(result: unknown): string } {
  if (format === 'json') return { header: () => '', line: (r) => `${JSON.stringify(r)}\n` };
  const cells = (r: ResultLike) => {
    const withWords: Record<string, unknown> = { ...r, reason_text: typeof r.reason === 'string' ? reasonWords(r.reason) : undefined };
    return COLUMNS.map((c) => (withWords[c] === undefined || withWords[c] === null ? '' : String(withWords[c])));
  };
  if (format === 'csv') return { header: () => csvRecord(COLUMNS), line: (r) => csvRecord(cells(r as ResultLike)) };
  const row = (values: string[]) => `${values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(WIDTHS[i]!))).join(' ').trimEnd()}\n`;
  return { header: () => row([...COLUMNS]), line: (r) => row(cells(r as ResultLike)) };
}

/** `--fail-on undeliverable,risky`: the verdicts that make the exit code 1. */
export function parseVerdicts(raw: string): Verdict[] {
  const items = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bad = items.filter((s) => !(VERDICTS as readonly string[]).includes(s));
  if (bad.length > 0 || items.length === 0) throw new Error(`expected a comma list of ${VERDICTS.join(', ')}`);
  return items as Verdict[];
}
