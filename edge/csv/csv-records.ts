import { CsvParser, type CsvError, type CsvLimits } from './csv-parser.ts';

export type CsvEvent = { record: string[] } | { error: CsvError };

/** The records of a UTF-8 CSV byte stream, read chunk by chunk; a malformed file ends with an error event. */
export async function* csvRecords(body: ReadableStream<Uint8Array>, limits?: CsvLimits): AsyncGenerator<CsvEvent> {
  const parser = new CsvParser(limits ? { limits } : {});
  const decoder = new TextDecoder('utf-8');
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      const records = done ? [...parser.push(decoder.decode()), ...parser.end()] : parser.push(decoder.decode(value, { stream: true }));
      for (const record of records) yield { record };
      if (parser.error) {
        yield { error: parser.error };
        return;
      }
      if (done) return;
    }
  } finally {
    reader.releaseLock();
  }
}
