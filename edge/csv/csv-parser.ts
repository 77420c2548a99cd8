/** A malformed CSV input: the physical line (1-based) where the parser gave up, and why. */
export interface CsvError {
  line: number;
  message: string;
  /** Set when a cell or a row outgrew its limit (HTTP 413 rather than 400). */
  tooLarge?: true;
}

/** Characters one cell and one row (all its cells) may hold; past them parsing stops with an error. */
export interface CsvLimits {
  cell: number;
  row: number;
}

type State = 'field_start' | 'unquoted' | 'quoted' | 'quote_in_quoted';

/** The separators a spreadsheet export uses: `;` where the decimal mark is a comma, tab for TSV. */
export const DELIMITERS = [',', ';', '\t'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** How long the first line may grow before the delimiter is decided on what has arrived. */
const DETECT_LIMIT = 64 * 1024;

/**
 * An incremental RFC 4180 parser: text goes in by chunks, complete records come out. It holds
 * only the record being read, so memory stays within one chunk plus one row whatever the file's
 * size. Accepts CRLF, LF or a lone CR, a leading BOM, doubled quotes and newlines inside quoted
 * fields; skips blank lines. After an error it accepts nothing more. The delimiter is the one
 * given, or the one of `,` `;` tab the first line (the header) has most of outside quotes.
 *
 * Ours rather than a library's (issue 13 item 4, tried with csv-parse 7.0.3 and papaparse 5.7.1):
 * csv-parse caps only a whole record, in bytes, counting no separators (a row of 200,000 empty
 * cells passes max_record_size 1000 and is held whole), has no per-cell cap, and needs Node's
 * global Buffer (its Web TransformStream entry imports node:stream/web); papaparse misreads a file
 * that mixes CRLF, LF and CR, accepts a stray quote silently and has no caps at all.
 */
export class CsvParser {
  private delimiter: Delimiter | null;
  /** The start of the input, held until its first line shows the delimiter. */
  private head = '';
  private state: State = 'field_start';
  private field = '';
  private record: string[] = [];
  private line = 1;
  private skipLf = false;
  private started = false;
  /** Characters in the finished cells of the record being read. */
  private recordLength = 0;
  error: CsvError | null = null;

  private readonly limits: CsvLimits;

  constructor(options: { delimiter?: Delimiter; limits?: CsvLimits } = {}) {
    this.delimiter = options.delimiter ?? null;
    this.limits = options.limits ?? { cell: Infinity, row: Infinity };
  }

  /** The delimiter in use; null until the first line has arrived. */
  get detectedDelimiter(): Delimiter | null {
    return this.delimiter;
  }

  /** Characters held for the record being read: the bound a streaming test checks. */
  get pendingLength(): number {
    return this.head.length + this.field.length + this.record.reduce((n, f) => n + f.length, 0);
  }

  push(text: string): string[][] {
    if (this.delimiter !== null) return this.consume(text);
    this.head += text;
    const end = firstLineEnd(this.head);
    if (end < 0 && this.head.length < DETECT_LIMIT) return [];
    return this.release(end);
  }

  private release(end: number): string[][] {
    this.delimiter = mostFrequent(this.head.slice(0, end < 0 ? undefined : end));
    const held = this.head;
    this.head = '';
    return this.consume(held);
  }

  private consume(text: string): string[][] {
    const delimiter = this.delimiter;
    const out: string[][] = [];
    if (this.error) return out;
    let i = 0;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) i = 1;
    }
    for (; i < text.length; i++) {
      const ch = text[i] as string;
      if (this.skipLf) {
        this.skipLf = false;
        if (ch === '\n') continue;
      }
      switch (this.state) {
        case 'field_start':
          if (ch === '"') this.state = 'quoted';
          else if (ch === delimiter) this.endField();
          else if (ch === '\n' || ch === '\r') this.endRecord(ch, out);
          else {
            this.field += ch;
            this.state = 'unquoted';
          }
          break;
        case 'unquoted':
          if (ch === delimiter) this.endField();
          else if (ch === '\n' || ch === '\r') this.endRecord(ch, out);
          else if (ch === '"') return this.fail(out, 'a quote inside an unquoted field (quote the whole field and double the quote)');
          else this.field += ch;
          break;
        case 'quoted':
          if (ch === '"') this.state = 'quote_in_quoted';
          else {
            // Kept verbatim (CRLF stays CRLF); a CR alone inside quotes does not count as a line.
            this.field += ch;
            if (ch === '\n') this.line++;
          }
          break;
        case 'quote_in_quoted':
          if (ch === '"') {
            this.field += '"';
            this.state = 'quoted';
          } else if (ch === delimiter) this.endField();
          else if (ch === '\n' || ch === '\r') this.endRecord(ch, out);
          else return this.fail(out, `unexpected "${printable(ch)}" after a closing quote`);
          break;
      }
      if (this.field.length > this.limits.cell || this.recordLength + this.field.length > this.limits.row) return this.tooLarge(out);
    }
    return out;
  }

  /** The last record, or an error if a quoted field was never closed. */
  end(): string[][] {
    const out = this.delimiter === null ? this.release(firstLineEnd(this.head)) : [];
    if (this.error) return out;
    if (this.state === 'quoted') {
      this.fail(out, 'a quoted field is never closed');
      return out;
    }
    if (this.state !== 'field_start' || this.record.length > 0) {
      this.record.push(this.field);
      this.emit(out);
    }
    return out;
  }

  private endField(): void {
    this.record.push(this.field);
    // The separator counts, so a row of a million empty cells is as bounded as one long cell.
    this.recordLength += this.field.length + 1;
    this.field = '';
    this.state = 'field_start';
  }

  /** Stops at the first character past a limit, so an oversized cell is never held whole. */
  private tooLarge(out: string[][]): string[][] {
    const message = this.field.length > this.limits.cell ? `a cell is longer than ${this.limits.cell} characters` : `a row is longer than ${this.limits.row} characters`;
    return this.fail(out, message, true);
  }

  private endRecord(ch: string, out: string[][]): void {
    this.record.push(this.field);
    this.emit(out);
    this.countNewline(ch);
  }

  private emit(out: string[][]): void {
    const blank = this.record.length === 1 && this.record[0] === '';
    if (!blank) out.push(this.record);
    this.record = [];
    this.recordLength = 0;
    this.field = '';
    this.state = 'field_start';
  }

  private countNewline(ch: string): void {
    if (ch === '\n') this.line++;
    else if (ch === '\r') {
      this.line++;
      this.skipLf = true;
    }
  }

  private fail(out: string[][], message: string, tooLarge = false): string[][] {
    this.error = tooLarge ? { line: this.line, message, tooLarge } : { line: this.line, message };
    this.record = [];
    this.recordLength = 0;
    this.field = '';
    return out;
  }
}

/** Where the first line ends (a CR or LF outside quotes), or -1. */
function firstLineEnd(text: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) return i;
  }
  return -1;
}

/** The delimiter the line has most of outside quotes; a comma on a tie or when it has none. */
function mostFrequent(line: string): Delimiter {
  const counts = new Map<string, number>();
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best: Delimiter = ',';
  for (const d of DELIMITERS) if ((counts.get(d) ?? 0) > (counts.get(best) ?? 0)) best = d;
  return best;
}

function printable(ch: string): string {
  const code = ch.charCodeAt(0);
  return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : ch;
}
