import type { Clock } from '../../../protocol/index.ts';
import type { Connection, DialOutcome, Dialer } from '../../../prober/smtp/dialer.ts';

/** How one scripted MX behaves. Every reply is the exact text the server writes (CRLF added). */
export interface ServerScript {
  /** The greeting; null: never greet (a tarpit). */
  banner?: string | null;
  ehloKeywords?: string[];
  /** Replaces the EHLO reply (e.g. '502 5.5.2 Error: command not recognized'). */
  ehloReply?: string;
  /** STARTTLS offered: 'ok' works, 'fail' fails the handshake, 'inject' appends a plaintext reply to its 220. */
  starttls?: 'ok' | 'fail' | 'inject';
  mail?: (command: string, s: ServerSession) => string;
  rcpt?: (address: string, s: ServerSession) => string;
  /** Runs first for every line; a string is the reply, null: say nothing, 'close': hang up, undefined: fall through. */
  onLine?: (line: string, s: ServerSession) => string | null | undefined;
  /** Called once when the session starts, to script time-driven faults. */
  onConnect?: (s: ServerSession) => void;
  onClose?: (s: ServerSession) => void;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The server end of one in-memory connection. */
export class ServerSession {
  readonly lines: string[] = [];
  tls = false;
  closed = false;
  rcpts = 0;
  rejections = 0;
  /** The client's write() calls: one per round trip. */
  writes = 0;
  private inbuf = '';
  private client: ((chunk: Uint8Array) => void) | undefined;
  private clientEnd: ((error?: Error) => void) | undefined;
  private pendingOut: Uint8Array[] = [];

  constructor(readonly address: string, readonly script: ServerScript, private readonly network: FakeNetwork) {}

  connection(): Connection {
    return {
      remoteAddress: this.address,
      write: (chunk) => this.receive(chunk),
      onData: (listener) => {
        this.client = listener;
        for (const chunk of this.pendingOut.splice(0)) queueMicrotask(() => listener(chunk));
      },
      onEnd: (listener) => (this.clientEnd = listener),
      close: () => this.close(false),
      startTls: async () => this.startTls(),
    };
  }

  /** Writes raw bytes to the client, later (as a network would). */
  send(text: string | Uint8Array): void {
    if (this.closed) return;
    const chunk = typeof text === 'string' ? encoder.encode(text) : text;
    const client = this.client;
    if (!client) this.pendingOut.push(chunk);
    else queueMicrotask(() => client(chunk));
  }

  close(notify = true): void {
    if (this.closed) return;
    this.closed = true;
    this.script.onClose?.(this);
    const end = this.clientEnd;
    if (notify && end) queueMicrotask(() => end());
  }

  private startTls(): DialOutcome {
    if (this.script.starttls === 'fail') {
      this.close(false);
      return { ok: false, failure: 'tls_failed', detail: 'handshake failure (scripted)' };
    }
    this.tls = true;
    this.inbuf = '';
    this.client = undefined;
    return { ok: true, connection: this.connection() };
  }

  private receive(chunk: Uint8Array): void {
    if (this.closed) return;
    this.writes++;
    this.network.recordWrite(chunk);
    this.inbuf += decoder.decode(chunk);
    let out = '';
    let end: number;
    while ((end = this.inbuf.indexOf('\r\n')) >= 0) {
      const line = this.inbuf.slice(0, end);
      this.inbuf = this.inbuf.slice(end + 2);
      this.lines.push(line);
      const quit = line.toUpperCase() === 'QUIT';
      const reply = quit ? '221 2.0.0 Bye' : this.answer(line);
      if (quit) out += `${reply}\r\n`;
      if (quit || reply === 'close') {
        this.send(out);
        this.close();
        return;
      }
      if (reply !== null) out += `${reply}\r\n`;
    }
    if (out) this.send(out);
  }

  private answer(line: string): string | null | 'close' {
    const custom = this.script.onLine?.(line, this);
    if (custom !== undefined) return custom;
    const verb = line.split(/[ :]/)[0]!.toUpperCase();
    switch (verb) {
      case 'EHLO': {
        if (this.script.ehloReply) return this.script.ehloReply;
        const keywords = [...(this.script.ehloKeywords ?? ['PIPELINING', 'ENHANCEDSTATUSCODES', 'SMTPUTF8', '8BITMIME'])];
        if (this.script.starttls && !this.tls) keywords.push('STARTTLS');
        return ['mx.test', ...keywords].map((k, i, all) => `250${i === all.length - 1 ? ' ' : '-'}${k}`).join('\r\n');
      }
      case 'HELO': return '250 mx.test';
      case 'STARTTLS': return this.script.starttls === 'inject' ? '220 2.0.0 Ready to start TLS\r\n550 5.1.1 injected' : '220 2.0.0 Ready to start TLS';
      case 'MAIL': return this.script.mail?.(line, this) ?? '250 2.1.0 Ok';
      case 'RCPT': {
        this.rcpts++;
        const address = /<(.*)>/.exec(line)?.[1] ?? '';
        const reply = this.script.rcpt?.(address, this) ?? '250 2.1.5 Ok';
        if (!reply.startsWith('2')) this.rejections++;
        return reply;
      }
      case 'RSET': return '250 2.0.0 Ok';
      default: return '502 5.5.2 Error: command not recognized';
    }
  }
}

/** A Dialer onto scripted servers by address; records everything the client ever wrote. */
export class FakeNetwork implements Dialer {
  readonly sessions: ServerSession[] = [];
  readonly dials: string[] = [];
  /** Every line the client wrote, on any connection. */
  readonly wire: string[] = [];
  /** Anything written that is not a clean CRLF-terminated printable command. */
  readonly violations: string[] = [];

  constructor(private readonly hosts: Record<string, ServerScript | 'refuse' | 'blackhole'>, private readonly clock: Clock) {}

  dial(address: string, _port: number, options: { timeoutMs: number; signal?: AbortSignal }): Promise<DialOutcome> {
    this.dials.push(address);
    const host = this.hosts[address];
    if (host === undefined || host === 'refuse') return Promise.resolve({ ok: false, failure: 'refused', detail: 'ECONNREFUSED (scripted)' });
    if (host === 'blackhole') {
      return new Promise((resolve) => this.clock.setTimer(() => resolve({ ok: false, failure: 'timeout', detail: 'scripted' }), options.timeoutMs));
    }
    const session = new ServerSession(address, host, this);
    this.sessions.push(session);
    if (host.banner !== null) session.send(`${host.banner ?? '220 mx.test ESMTP'}\r\n`);
    host.onConnect?.(session);
    return Promise.resolve({ ok: true, connection: session.connection() });
  }

  recordWrite(chunk: Uint8Array): void {
    const text = decoder.decode(chunk);
    if (!text.endsWith('\r\n')) this.violations.push(`unterminated write ${JSON.stringify(text.slice(-40))}`);
    for (const line of text.split('\r\n').slice(0, -1)) {
      this.wire.push(line);
      if (/[\u0000-\u001f\u007f]/.test(line)) this.violations.push(`control character in ${JSON.stringify(line)}`);
      if (/^(DATA|BDAT)\b/i.test(line)) this.violations.push(`DATA sent: ${line}`);
    }
  }

  sessionsTo(address: string): ServerSession[] {
    return this.sessions.filter((s) => s.address === address);
  }

  commands(verb: string): string[] {
    return this.wire.filter((l) => l.toUpperCase().startsWith(verb));
  }
}
