import { describe, expect, it } from 'vitest';
import { CLOSE, parseFrame, PROTOCOL_VERSION } from '../../../protocol/index.ts';

const hello = (software: string) => JSON.stringify({ type: 'hello', v: PROTOCOL_VERSION, agent_id: 'a1', software });

describe('parseFrame size cap', () => {
  it('counts UTF-8 bytes, not characters', () => {
    // 40 characters of 3 bytes each: under the cap by characters, over it by bytes.
    const text = hello('€'.repeat(40));
    expect(text.length).toBeLessThan(130);
    expect(parseFrame(text, 130)).toEqual({ ok: false, close: CLOSE.frameTooLarge, reason: 'frame_too_large' });
    expect(parseFrame(text, new TextEncoder().encode(text).byteLength)).toMatchObject({ ok: true, frame: { type: 'hello' } });
  });

  it('takes a frame that fits whatever its characters, and refuses one over the cap by length alone', () => {
    const text = hello('x'.repeat(20));
    expect(parseFrame(text, text.length * 3)).toMatchObject({ ok: true });
    expect(parseFrame(text, text.length)).toMatchObject({ ok: true });
    expect(parseFrame(text, text.length - 1)).toMatchObject({ ok: false, close: CLOSE.frameTooLarge });
  });
});
