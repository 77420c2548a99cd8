/**
 * Reads a response body up to a byte limit. The read also stops when the signal aborts, even
 * if the stream itself ignores it, so a server trickling bytes forever costs one timeout.
 */
export type BodyRead = { ok: true; bytes: Uint8Array } | { ok: false; reason: 'too_large' | 'aborted' | 'network'; detail: string };

export async function readBody(response: Response, limit: number, signal: AbortSignal): Promise<BodyRead> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    return { ok: false, reason: 'too_large', detail: `declares ${declared} bytes` };
  }
  if (!response.body) return { ok: true, bytes: new Uint8Array(0) };
  const reader = response.body.getReader();
  let onAbort = () => {};
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), aborted]);
      if (next === 'aborted') return { ok: false, reason: 'aborted', detail: 'stopped while reading the body' };
      if (next.done) break;
      size += next.value.byteLength;
      if (size > limit) return { ok: false, reason: 'too_large', detail: `more than ${limit} bytes` };
      chunks.push(next.value);
    }
  } catch (e) {
    return { ok: false, reason: signal.aborted ? 'aborted' : 'network', detail: e instanceof Error ? e.message : 'read failed' };
  } finally {
    signal.removeEventListener('abort', onAbort);
    reader.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return { ok: true, bytes };
}
