import { describe, expect, it } from 'vitest';
import { CsvParser } from '../../../edge/csv/csv-parser.ts';
import { csvRecord } from '../../../edge/csv/csv-writer.ts';

function parseAll(text: string, chunk = text.length): { records: string[][]; error: CsvParser['error'] } {
  const p = new CsvParser();
  const records: string[][] = [];
  for (let i = 0; i < text.length; i += Math.max(1, chunk)) records.push(...p.push(text.slice(i, i + chunk)));
  records.push(...p.end());
  return { records, error: p.error };
}

const TRICKY = '\ufeffemail,name,note\r\n"a@x.test","Doe, ""JD""","line1\r\nline2"\nb@x.test,,\r\n\r\nc@x.test,"",x\rd@x.test,q,"end"';
const EXPECTED = [
  ['email', 'name', 'note'],
  ['a@x.test', 'Doe, "JD"', 'line1\r\nline2'],
  ['b@x.test', '', ''],
  ['c@x.test', '', 'x'],
  ['d@x.test', 'q', 'end'],
];

describe('CsvParser', () => {
  it('reads quotes, doubled quotes, CRLF, LF and CR, a BOM, embedded newlines, and skips blank lines', () => {
    expect(parseAll(TRICKY)).toEqual({ records: EXPECTED, error: null });
  });

  it('gives the same records whatever the chunk size', () => {
    for (let chunk = 1; chunk <= TRICKY.length; chunk++) expect(parseAll(TRICKY, chunk).records).toEqual(EXPECTED);
  });

  it('keeps a trailing empty field and a last line without a newline', () => {
    expect(parseAll('a,b,\nc').records).toEqual([['a', 'b', ''], ['c']]);
  });

  it('names the line of a stray quote, of text after a closing quote, and of an unclosed quote', () => {
    expect(parseAll('email\na@x.test\nb"c@x.test\n').error).toEqual({ line: 3, message: expect.stringContaining('quote inside an unquoted field') });
    expect(parseAll('email\n"a\nb"c,d\n').error).toEqual({ line: 3, message: 'unexpected "c" after a closing quote' });
    expect(parseAll('email\na@x.test\n"never closed\n\n').error).toEqual({ line: 5, message: 'a quoted field is never closed' });
  });

  it('hands out the records before an error and nothing after it', () => {
    const p = new CsvParser();
    expect(p.push('a\nb\n"x"y\nc\n')).toEqual([['a'], ['b']]);
    expect(p.push('d\n')).toEqual([]);
    expect(p.end()).toEqual([]);
  });

  it('round-trips what the writer quotes', () => {
    const rows = [['plain', 'with,comma', 'with "quote"', 'multi\r\nline', '']];
    expect(parseAll(rows.map((r) => csvRecord(r)).join('')).records).toEqual(rows);
  });

  it('holds no more than one record while streaming 200,000 rows', () => {
    const p = new CsvParser();
    const row = (i: number) => `user${i}@domain${i % 97}.test,"Name, ${i}",${i}\r\n`;
    let longest = 0;
    let peak = 0;
    let count = 0;
    let text = '';
    for (let i = 0; i < 200_000; i++) {
      const r = row(i);
      longest = Math.max(longest, r.length);
      text += r;
      if (text.length >= 65_536 || i === 199_999) {
        // Feed in odd-sized pieces so records straddle chunk ends.
        for (let k = 0; k < text.length; k += 4093) {
          count += p.push(text.slice(k, k + 4093)).length;
          peak = Math.max(peak, p.pendingLength);
        }
        text = '';
      }
    }
    count += p.end().length;
    expect(count).toBe(200_000);
    expect(peak).toBeLessThanOrEqual(longest);
  });

  it('takes the delimiter the header has most of: `;` and tab files as well as `,`, whatever the chunk size', () => {
    const cases: [string, string, string[][]][] = [
      [';', 'email;name;"note; with ;"\r\na@x.test;Doe, J;"x;y"\nb@x.test;;', [['email', 'name', 'note; with ;'], ['a@x.test', 'Doe, J', 'x;y'], ['b@x.test', '', '']]],
      ['\t', 'email\tname\r\na@x.test\tDoe, J; Jr\n', [['email', 'name'], ['a@x.test', 'Doe, J; Jr']]],
      [',', '"a;b;c",name\na@x.test,x;y', [['a;b;c', 'name'], ['a@x.test', 'x;y']]],
      [',', 'email\na@x.test', [['email'], ['a@x.test']]],
    ];
    for (const [delimiter, text, records] of cases) {
      for (let chunk = 1; chunk <= text.length; chunk++) {
        const p = new CsvParser();
        const got: string[][] = [];
        for (let i = 0; i < text.length; i += chunk) got.push(...p.push(text.slice(i, i + chunk)));
        got.push(...p.end());
        expect(got, `${JSON.stringify(delimiter)} by ${chunk}`).toEqual(records);
        expect(p.detectedDelimiter).toBe(delimiter);
      }
    }
  });

  it('keeps a given delimiter', () => {
    const p = new CsvParser({ delimiter: ';' });
    expect([...p.push('a,b;c\n'), ...p.end()]).toEqual([['a,b', 'c']]);
  });
});
