/** The boundary of a multipart/form-data content type, or null. */
export function multipartBoundary(contentType: string): string | null {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

/**
 * The bytes of the first file part of a multipart/form-data body (the part with a filename, or
 * named "file"), streamed through as they arrive: only a delimiter's length is held back at a
 * time, so a large upload is never buffered. Other parts are skipped. The stream errors if the
 * body ends before the part does.
 */
const MAX_PART_HEADERS = 16 * 1024;

export function multipartFile(body: ReadableStream<Uint8Array>, boundary: string): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const delimiter = encoder.encode(`\r\n--${boundary}`);
  const decoder = new TextDecoder();
  // The body starts with "--boundary" (no CRLF before it): prepend one so every delimiter looks alike.
  let buffer: Uint8Array = encoder.encode('\r\n');
  let phase: 'preamble' | 'headers' | 'file' | 'skip' | 'done' = 'preamble';
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        if (phase === 'done') {
          await reader.cancel().catch(() => undefined);
          return controller.close();
        }
        if (phase === 'headers') {
          const end = indexOf(buffer, encoder.encode('\r\n\r\n'), 0);
          if (end >= 0) {
            const headers = decoder.decode(buffer.subarray(0, end));
            buffer = buffer.subarray(end + 4);
            phase = /filename=|name="?file"?(;|\r|$)/i.test(headers) ? 'file' : 'skip';
            continue;
          }
          if (buffer.length > MAX_PART_HEADERS) return controller.error(new Error('a multipart part has more than 16 KiB of headers'));
        } else {
          const at = indexOf(buffer, delimiter, 0);
          if (at >= 0) {
            if (phase === 'file') {
              if (at > 0) controller.enqueue(buffer.slice(0, at));
              phase = 'done';
              continue;
            }
            buffer = buffer.subarray(at + delimiter.length);
            phase = 'headers';
            continue;
          }
          // Everything but a possible partial delimiter at the end can go.
          const keep = Math.min(buffer.length, delimiter.length - 1);
          if (phase === 'file' && buffer.length > keep) {
            controller.enqueue(buffer.slice(0, buffer.length - keep));
            buffer = buffer.subarray(buffer.length - keep);
            return;
          }
          if (phase !== 'file') buffer = buffer.subarray(buffer.length - keep);
        }
        const { value, done } = await reader.read();
        if (done) return controller.error(new Error('the multipart body ended before its file part did'));
        buffer = concat(buffer, value);
      }
    },
    async cancel(reason) {
      await reader.cancel(reason);
    },
  });
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
