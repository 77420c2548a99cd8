import type { SmtpReply } from '../../protocol/index.ts';

export interface ReplyLimits {
  /** Longest reply line accepted, CRLF included (RFC 5321 says 512; real servers exceed it). */
  maxLineBytes: number;
  /** Most lines one multi-line reply may have. */
  maxLines: number;
}

export const DEFAULT_REPLY_LIMITS: ReplyLimits = { maxLineBytes: 1000, maxLines: 50 };

export type ParsedReply = { ok: true; reply: SmtpReply } | { ok: false; detail: string };

const LINE = /^([2-5][0-9][0-9])(?:([ -])(.*))?$/s;
const LF = 0x0a;
const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Bytes in, replies out. Pure and incremental: chunks may split anywhere. Memory stays under
 * maxLineBytes (plus the lines of the reply being grouped), whatever the peer sends; the first
 * violation yields one error and the parser stays dead, since a stream out of sync cannot be trusted.
 */
export class ReplyParser {
  private pending: Uint8Array = new Uint8Array(0);
  private lines: string[] = [];
  private code = '';
  private dead = false;

  constructor(private readonly limits: ReplyLimits = DEFAULT_REPLY_LIMITS) {}

  /** Drops whatever is buffered: after STARTTLS, plaintext that came with the 220 must not be read (RFC 3207). */
  reset(): void {
    this.pending = new Uint8Array(0);
    this.lines = [];
    this.code = '';
  }

  /** True while a reply is partly received. */
  get midReply(): boolean {
    return this.pending.length > 0 || this.lines.length > 0;
  }

  push(chunk: Uint8Array): ParsedReply[] {
    const out: ParsedReply[] = [];
    if (this.dead) return out;
    let data = chunk;
    while (data.length > 0) {
      const lf = data.indexOf(LF);
      const take = lf < 0 ? data.length : lf + 1;
      if (this.pending.length + take > this.limits.maxLineBytes) {
        return this.fail(out, `reply line longer than ${this.limits.maxLineBytes} bytes`);
      }
      this.pending = concat(this.pending, data.subarray(0, take));
      data = data.subarray(take);
      if (lf < 0) break;
      const line = decoder.decode(this.pending.subarray(0, this.pending.length - (this.pending.at(-2) === 0x0d ? 2 : 1)));
      this.pending = new Uint8Array(0);
      const error = this.line(line, out);
      if (error) return this.fail(out, error);
    }
    return out;
  }

  private line(line: string, out: ParsedReply[]): string | undefined {
    const m = LINE.exec(line);
    if (!m) return `not an SMTP reply line: ${JSON.stringify(line.slice(0, 80))}`;
    const [, code = '', sep, text = ''] = m;
    if (this.lines.length > 0 && code !== this.code) return `reply code changed inside a multi-line reply (${this.code} then ${code})`;
    this.code = code;
    this.lines.push(text);
    if (sep === '-') {
      return this.lines.length >= this.limits.maxLines ? `multi-line reply longer than ${this.limits.maxLines} lines` : undefined;
    }
    out.push({ ok: true, reply: toReply(Number(code), this.lines) });
    this.lines = [];
    this.code = '';
    return undefined;
  }

  private fail(out: ParsedReply[], detail: string): ParsedReply[] {
    this.dead = true;
    this.reset();
    out.push({ ok: false, detail });
    return out;
  }
}

/** RFC 3463: a status code is trusted only when its class matches the reply code's first digit. */
const ENHANCED = /^([245])\.(\d{1,3})\.(\d{1,3})(?=\s|$)/;

function toReply(code: number, lines: string[]): SmtpReply {
  const m = ENHANCED.exec(lines[0] ?? '');
  const enhanced = m && Number(m[1]) === Math.floor(code / 100) ? m[0] : undefined;
  return enhanced ? { code, enhanced, lines } : { code, lines };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b.slice();
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
