import type { Clock, SmtpReply, TranscriptLine } from '../../protocol/index.ts';
import { encodeCommand } from './command-line.ts';
import type { Connection } from './dialer.ts';
import { DEFAULT_REPLY_LIMITS, ReplyParser, type ReplyLimits } from './reply-parser.ts';
import { Transcript } from './transcript.ts';

export type SessionFailureKind = 'timeout' | 'closed' | 'protocol' | 'aborted' | 'unsafe_command' | 'tls_failed';
export interface SessionFailure {
  kind: SessionFailureKind;
  detail: string;
}

/** One command and the reply it got, with the transcript lines of both. */
export interface Exchange {
  command: string;
  reply: SmtpReply;
  lines: TranscriptLine[];
}

export type ReplyResult = { ok: true; reply: SmtpReply; lines: TranscriptLine[] } | { ok: false; failure: SessionFailure };

/** Replies for the first commands, in order; `failure` says why the rest got none. */
export interface PipelineResult {
  exchanges: Exchange[];
  failure?: SessionFailure;
}

export interface SessionOptions {
  clock: Clock;
  /** How long one reply may take, from the write (or the previous reply of a pipeline). */
  commandTimeoutMs: number;
  signal?: AbortSignal;
  limits?: ReplyLimits;
  transcript: Transcript;
}

type Received = { reply: SmtpReply; lines: TranscriptLine[] };

/**
 * An SMTP client session over one Connection: one reply handler per command, in order.
 * Any failure (timeout, close, garbage, abort) ends the session for good, because a stream
 * whose replies may be out of step with its commands must not be read again.
 */
export class SmtpSession {
  commands = 0;
  roundTrips = 0;
  private connection: Connection;
  private parser: ReplyParser;
  private inbox: Received[] = [];
  private waiter: { resolve: (result: ReplyResult) => void; cancel: () => void } | undefined;
  private switching = false;
  private ended: SessionFailure | undefined;
  private readonly onAbort = () => this.end({ kind: 'aborted', detail: 'task deadline or cancellation' });

  constructor(connection: Connection, private options: SessionOptions) {
    this.connection = connection;
    this.parser = new ReplyParser(options.limits ?? DEFAULT_REPLY_LIMITS);
    this.attach(connection);
    if (options.signal?.aborted) this.onAbort();
    else options.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  get transcript(): Transcript {
    return this.options.transcript;
  }

  /**
   * Hands the open session to another task (the next domain on this server): from now on its
   * deadline aborts the session and its transcript gets the lines. Nothing may be in flight.
   */
  adopt(owner: { signal?: AbortSignal; transcript: Transcript }): void {
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.options = { ...this.options, signal: owner.signal, transcript: owner.transcript };
    if (owner.signal?.aborted) this.onAbort();
    else owner.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  get failure(): SessionFailure | undefined {
    return this.ended;
  }

  /** The server's greeting, which comes unasked. */
  greeting(timeoutMs: number): Promise<ReplyResult> {
    return this.nextReply(timeoutMs);
  }

  async send(command: string, replyTimeoutMs = this.options.commandTimeoutMs): Promise<ReplyResult> {
    const { exchanges, failure } = await this.pipeline([command], replyTimeoutMs);
    const first = exchanges[0];
    return first ? { ok: true, reply: first.reply, lines: first.lines } : { ok: false, failure: failure! };
  }

  /**
   * RFC 2920: every command in ONE write, then the replies in order: one round trip. Each reply
   * may take `replyTimeoutMs` (RCPTs get longer: callout verification answers after 20–30 s).
   */
  async pipeline(commands: string[], replyTimeoutMs = this.options.commandTimeoutMs): Promise<PipelineResult> {
    if (this.ended) return { exchanges: [], failure: this.ended };
    const chunks: Uint8Array[] = [];
    for (const command of commands) {
      const encoded = encodeCommand(command);
      if (!encoded.ok) return { exchanges: [], failure: { kind: 'unsafe_command', detail: encoded.detail } };
      chunks.push(encoded.bytes);
    }
    const sent = commands.map((command) => this.transcript.add('c', command));
    this.connection.write(join(chunks));
    this.commands += commands.length;
    this.roundTrips++;
    const exchanges: Exchange[] = [];
    for (const [i, command] of commands.entries()) {
      const got = await this.nextReply(replyTimeoutMs);
      if (!got.ok) return { exchanges, failure: got.failure };
      exchanges.push({ command, reply: got.reply, lines: [sent[i]!, ...got.lines] });
    }
    return { exchanges };
  }

  /**
   * After the server's 220 to STARTTLS: whatever plaintext came with or after that 220 is
   * discarded (RFC 3207 §4.2, the STARTTLS command-injection attack), then TLS is negotiated.
   */
  async upgradeToTls(servername: string, timeoutMs: number): Promise<{ ok: true } | { ok: false; failure: SessionFailure }> {
    this.parser.reset();
    this.inbox = [];
    this.switching = true;
    const out = await this.connection.startTls(servername, { timeoutMs });
    this.switching = false;
    if (!out.ok) {
      return { ok: false, failure: this.end({ kind: 'tls_failed', detail: `${out.failure}: ${out.detail}` }) };
    }
    if (this.ended) {
      out.connection.close();
      return { ok: false, failure: this.ended };
    }
    // An adapter may upgrade in place (same object) or hand over a new one: listen once to each.
    if (out.connection !== this.connection) {
      this.connection = out.connection;
      this.attach(out.connection);
    }
    this.transcript.add('i', 'TLS established');
    return { ok: true };
  }

  close(): void {
    this.end({ kind: 'closed', detail: 'closed by us' });
  }

  /**
   * QUIT, politely; the task does not wait for the 221 (so it is no round trip of the task's),
   * but the returned promise settles when the connection is closed.
   */
  /**
   * Whether the stream is out of step: bytes that were no valid reply, or replies that no
   * command asked for (queued after the last one we awaited). Such a session is ended here, and
   * what it answered last is suspect: the caller must not turn it into verdicts.
   */
  outOfStep(): boolean {
    if (this.inbox.length > 0 && !this.ended) {
      this.transcript.add('i', 'protocol error: more replies than commands');
      this.end({ kind: 'protocol', detail: 'more replies than commands' });
    }
    return this.ended?.kind === 'protocol';
  }

  async quit(timeoutMs: number): Promise<void> {
    const encoded = encodeCommand('QUIT');
    if (this.ended || !encoded.ok) return this.close();
    this.transcript.add('c', 'QUIT');
    this.connection.write(encoded.bytes);
    this.commands++;
    await this.nextReply(timeoutMs);
    this.close();
  }

  private attach(connection: Connection): void {
    connection.onData((chunk) => {
      if (connection !== this.connection || this.switching || this.ended) return;
      for (const parsed of this.parser.push(chunk)) {
        if (!parsed.ok) {
          this.transcript.add('i', `protocol error: ${parsed.detail}`);
          this.end({ kind: 'protocol', detail: parsed.detail });
          return;
        }
        const { reply } = parsed;
        const lines = reply.lines.map((text, i) => this.transcript.add('s', `${reply.code}${i < reply.lines.length - 1 ? '-' : ' '}${text}`));
        this.inbox.push({ reply, lines });
      }
      this.wake();
    });
    connection.onEnd((error) => {
      if (connection !== this.connection || this.switching) return;
      this.end({ kind: 'closed', detail: error ? `connection error: ${error.message}` : 'connection closed by the server' });
    });
  }

  /**
   * A reply that is already in (the rest of a pipeline's replies usually came in one chunk) is
   * taken at once; only a wait gets a timer.
   */
  private nextReply(timeoutMs: number): Promise<ReplyResult> {
    const ready = this.take();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve) => {
      const cancel = this.options.clock.setTimer(() => {
        this.transcript.add('i', `no reply within ${timeoutMs} ms`);
        this.end({ kind: 'timeout', detail: `no reply within ${timeoutMs} ms` });
      }, timeoutMs);
      this.waiter = { resolve, cancel };
    });
  }

  private take(): ReplyResult | undefined {
    const next = this.inbox.shift();
    if (next) return { ok: true, ...next };
    if (this.ended) return { ok: false, failure: this.ended };
    return undefined;
  }

  private wake(): void {
    const waiter = this.waiter;
    const got = waiter && this.take();
    if (!got) return;
    this.waiter = undefined;
    waiter.cancel();
    waiter.resolve(got);
  }

  private end(failure: SessionFailure): SessionFailure {
    if (this.ended) return this.ended;
    this.ended = failure;
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.connection.close();
    this.wake();
    return failure;
  }
}

function join(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
