import type { UploadLimits } from './upload-limits.ts';

export type JsonItemEvent = { value: unknown } | { error: string; tooLarge?: true };

/**
 * The elements of a top-level JSON array, parsed one by one as the bytes arrive: only the element
 * being read is held, so a million-entry list never sits in memory whole. It splits on commas at
 * depth 1 (outside strings) and hands each element's text to JSON.parse. `limits` bound one string
 * (`cell`) and one element's text (`row`), in characters; reading stops at the first one past them.
 */
export async function* jsonArrayItems(body: ReadableStream<Uint8Array>, limits: UploadLimits = { cell: Infinity, row: Infinity }): AsyncGenerator<JsonItemEvent> {
  const decoder = new TextDecoder('utf-8');
  const reader = body.getReader();
  let depth = 0;
  let inString = false;
  let escaped = false;
  let item = '';
  let closed = false;
  let index = 0;
  let line = 1;
  let stringStart = 0;
  const finish = (): JsonItemEvent | null => {
    const text = item.trim();
    item = '';
    if (text === '') return { error: `element ${index + 1} is empty` };
    try {
      index++;
      return { value: JSON.parse(text) };
    } catch {
      return { error: `element ${index} is not valid JSON` };
    }
  };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      const text = done ? decoder.decode() : decoder.decode(value, { stream: true });
      const events: JsonItemEvent[] = [];
      for (const ch of text) {
        if (ch === '\n') line++;
        if (closed) {
          if (!/\s/.test(ch)) return yield { error: 'text after the closing ]' };
          continue;
        }
        if (depth === 0) {
          if (ch === '[') depth = 1;
          else if (!/[\s\ufeff]/.test(ch)) return yield { error: 'the body is not a JSON array' };
          continue;
        }
        if (inString) {
          item += ch;
          if (escaped) escaped = false;
          else if (ch === '\\') escaped = true;
          else if (ch === '"') inString = false;
          if (item.length - stringStart > limits.cell + 2) return yield tooLarge(line, index + 1, `a string is longer than ${limits.cell} characters`);
          if (item.length > limits.row) return yield tooLarge(line, index + 1, `the element is longer than ${limits.row} characters`);
          continue;
        }
        if (ch === '"') {
          inString = true;
          stringStart = item.length;
        } else if (ch === '[' || ch === '{') depth++;
        else if (ch === ']' || ch === '}') {
          depth--;
          if (depth === 0) {
            closed = true;
            if (item.trim() !== '' || index > 0) events.push(finish() as JsonItemEvent);
            continue;
          }
        } else if (ch === ',' && depth === 1) {
          events.push(finish() as JsonItemEvent);
          continue;
        }
        item += ch;
        if (item.length > limits.row) return yield tooLarge(line, index + 1, `the element is longer than ${limits.row} characters`);
      }
      for (const event of events) {
        yield event;
        if ('error' in event) return;
      }
      if (done) {
        if (!closed) yield { error: 'the JSON array is never closed' };
        return;
      }
    }
  } finally {
    reader.releaseLock();
  }
}

function tooLarge(line: number, element: number, what: string): JsonItemEvent {
  return { error: `line ${line}, element ${element}: ${what}`, tooLarge: true };
}
