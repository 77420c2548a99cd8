import { describe, expect, it } from 'vitest';
import { readBody } from '../../../edge/dns/read-body.ts';

function stream(chunks: Uint8Array[], thenHang = false): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      const next = chunks[i++];
      if (next) return controller.enqueue(next);
      if (thenHang) return new Promise(() => {});
      controller.close();
    },
  });
}

describe('readBody', () => {
  const live = new AbortController().signal;

  it('joins the chunks of a body within the limit', async () => {
    const read = await readBody(new Response(stream([new Uint8Array([1, 2]), new Uint8Array([3])])), 3, live);
    expect(read).toEqual({ ok: true, bytes: new Uint8Array([1, 2, 3]) });
  });

  it('refuses a body that declares more than the limit, unread', async () => {
    let pulled = 0;
    const body = new ReadableStream({ pull: () => void pulled++ });
    const read = await readBody(new Response(body, { headers: { 'content-length': '100000' } }), 65_536, live);
    expect(read).toMatchObject({ ok: false, reason: 'too_large' });
    expect(pulled).toBeLessThanOrEqual(1);
  });

  it('stops reading as soon as the body passes the limit', async () => {
    const chunk = new Uint8Array(1000);
    const read = await readBody(new Response(stream(Array.from({ length: 100 }, () => chunk))), 2_500, live);
    expect(read).toMatchObject({ ok: false, reason: 'too_large' });
  });

  it('ends a read that the stream would never end when the signal aborts', async () => {
    const controller = new AbortController();
    const pending = readBody(new Response(stream([new Uint8Array([1])], true)), 100, controller.signal);
    controller.abort();
    expect(await pending).toMatchObject({ ok: false, reason: 'aborted' });
  });
});
