import { describe, expect, it } from 'vitest';
import { ReplyParser, type ParsedReply } from '../../../prober/smtp/reply-parser.ts';

const enc = (s: string) => new TextEncoder().encode(s);

const STREAM =
  '220 mx.test ESMTP ready\r\n' +
  '250-mx.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 SMTPUTF8\r\n' +
  '550-5.1.1 The email account that you tried to reach does not exist.\r\n550 5.1.1 https://support.example/?p=NoSuchUser\r\n' +
  '250 2.1.5 Ok\r\n' +
  '451 4.7.1 Greylisted, see http://postgrey/\r\n' +
  '554 2.0.0 class mismatch is not an enhanced code\r\n' +
  '250\r\n';

function feed(parser: ReplyParser, bytes: Uint8Array, sizes: () => number): ParsedReply[] {
  const out: ParsedReply[] = [];
  for (let at = 0; at < bytes.length; ) {
    const n = Math.max(1, sizes());
    out.push(...parser.push(bytes.subarray(at, at + n)));
    at += n;
  }
  return out;
}

describe('ReplyParser', () => {
  const whole = new ReplyParser().push(enc(STREAM));

  it('groups multi-line replies and reads enhanced codes only when the class matches', () => {
    expect(whole.map((r) => (r.ok ? [r.reply.code, r.reply.enhanced ?? '-', r.reply.lines.length] : r.detail))).toEqual([
      [220, '-', 1], [250, '-', 4], [550, '5.1.1', 2], [250, '2.1.5', 1], [451, '4.7.1', 1], [554, '-', 1], [250, '-', 1],
    ]);
    expect(whole[1]).toMatchObject({ reply: { lines: ['mx.test', 'PIPELINING', 'SIZE 10240000', 'SMTPUTF8'] } });
    expect(whole[6]).toMatchObject({ reply: { lines: [''] } });
  });

  it('gives the same replies for every chunk size and for random splits', () => {
    const bytes = enc(STREAM);
    for (let size = 1; size <= bytes.length; size++) {
      expect(feed(new ReplyParser(), bytes, () => size)).toEqual(whole);
    }
    let seed = 7;
    for (let round = 0; round < 200; round++) {
      const sizes = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 17;
      expect(feed(new ReplyParser(), bytes, sizes)).toEqual(whole);
    }
  });

  it('refuses a line over the limit as soon as it is over, so a 1 MB line without CRLF costs no memory', () => {
    const parser = new ReplyParser({ maxLineBytes: 1000, maxLines: 50 });
    const chunk = enc('2'.repeat(4096));
    let pushes = 0;
    let result: ParsedReply[] = [];
    for (let sent = 0; sent < 1 << 20 && result.length === 0; sent += chunk.length) {
      result = parser.push(chunk);
      pushes++;
    }
    expect(pushes).toBe(1);
    expect(result).toEqual([{ ok: false, detail: 'reply line longer than 1000 bytes' }]);
    expect(parser.push(enc('250 ok\r\n'))).toEqual([]);
  });

  it('accepts a line of exactly the limit, CRLF included', () => {
    const line = `250 ${'x'.repeat(1000 - 6)}\r\n`;
    expect(new ReplyParser().push(enc(line))).toMatchObject([{ ok: true }]);
    expect(new ReplyParser().push(enc(`250 x${line.slice(4)}`))).toMatchObject([{ ok: false }]);
  });

  it('ends an endless multi-line reply at the line cap', () => {
    const parser = new ReplyParser({ maxLineBytes: 1000, maxLines: 50 });
    const out = feed(parser, enc('250-more\r\n'.repeat(10_000)), () => 512);
    expect(out).toEqual([{ ok: false, detail: 'multi-line reply longer than 50 lines' }]);
  });

  it.each([
    ['letters', 'abc hello\r\n'],
    ['a 1xx code', '150 ok\r\n'],
    ['a 6xx code', '600 nope\r\n'],
    ['two digits', '25 ok\r\n'],
    ['a bad separator', '250_ok\r\n'],
    ['a code change mid-reply', '250-one\r\n550 two\r\n'],
    ['HTTP', 'HTTP/1.1 400 Bad Request\r\n'],
  ])('calls %s a protocol error', (_name, text) => {
    const out = new ReplyParser().push(enc(text));
    expect(out.at(-1)).toMatchObject({ ok: false });
  });

  it('forgets buffered bytes on reset (the STARTTLS rule)', () => {
    const parser = new ReplyParser();
    expect(parser.push(enc('220 go ahead\r\n250-inj'))).toHaveLength(1);
    expect(parser.midReply).toBe(true);
    parser.reset();
    expect(parser.push(enc('250 real\r\n'))).toMatchObject([{ ok: true, reply: { code: 250, lines: ['real'] } }]);
  });
});
