import { describe, expect, it } from 'vitest';
import { readLines } from '../../../cli/read-lines.ts';

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

describe('readLines', () => {
  const text = 'a@example.com\r\nü@bücher.de\n\nbad\rcr@x.com\n😀@x.com';
  const bytes = new TextEncoder().encode(text);

  it('gives the same lines whatever the chunk size, split UTF-8 and CRLF included', async () => {
    for (let size = 1; size <= bytes.length; size++) {
      expect(await collect(readLines(chunked(bytes, size)))).toEqual(['a@example.com', 'ü@bücher.de', '', 'bad\rcr@x.com', '😀@x.com']);
    }
  });

  it('keeps a lone CR inside a line, for the syntax check to refuse', async () => {
    expect(await collect(readLines(chunked(new TextEncoder().encode('x\ry\n'), 64)))).toEqual(['x\ry']);
  });

  it('has no line for an empty stream or a final newline', async () => {
    expect(await collect(readLines(chunked(new Uint8Array(0), 1)))).toEqual([]);
    expect(await collect(readLines(chunked(new TextEncoder().encode('a\n'), 1)))).toEqual(['a']);
  });
});
