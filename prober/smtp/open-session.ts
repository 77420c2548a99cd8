import type { Clock, ReasonCode, SmtpReply } from '../../protocol/index.ts';
import { NO_CAPABILITIES, parseCapabilities, type Capabilities } from './capabilities.ts';
import { classifyReply, type ReplyPhase } from './classify-reply.ts';
import type { DialFailure, Dialer } from './dialer.ts';
import type { ReplyLimits } from './reply-parser.ts';
import { SmtpSession, type ReplyResult, type SessionFailure } from './smtp-session.ts';
import type { Transcript } from './transcript.ts';
import { BUSY_PATTERNS } from './reply-patterns.ts';
import { matchesAny, normalizeReplyText } from './reply-text.ts';

export interface SessionTimeouts {
  connectMs: number;
  bannerMs: number;
  commandMs: number;
  /** MAIL and RCPT replies: servers that verify by callout answer after 20–30 s. */
  rcptMs: number;
  tlsMs: number;
}

/** Banner and RCPT waits long enough for real greeting delays and callout verification (RFC 5321 §4.5.3.2 allows minutes). */
export const DEFAULT_TIMEOUTS: SessionTimeouts = { connectMs: 10_000, bannerMs: 45_000, commandMs: 15_000, rcptMs: 60_000, tlsMs: 15_000 };

export interface OpenSessionOptions {
  dialer: Dialer;
  clock: Clock;
  address: string;
  port: number;
  /** The MX host name, sent as the TLS server name. */
  host: string;
  heloName: string;
  timeouts: SessionTimeouts;
  /** Try STARTTLS when offered; false after a failed handshake on this host. */
  tls: boolean;
  transcript: Transcript;
  signal?: AbortSignal;
  limits?: ReplyLimits;
}

export type OpenedSession = { ok: true; session: SmtpSession; capabilities: Capabilities; tls: boolean };

/** Why no usable session came up; `session` (closed) is there when we got as far as connecting. */
export interface OpenFailure {
  ok: false;
  stage: 'connect' | 'banner' | 'ehlo' | 'tls';
  reason: ReasonCode;
  reply?: SmtpReply;
  /** The server said it is closing or refused us: back off from this host. */
  backOff: boolean;
  session?: SmtpSession;
}

/** Connect, greeting, EHLO (HELO when EHLO is refused), then opportunistic STARTTLS and EHLO again. */
export async function openSession(options: OpenSessionOptions): Promise<OpenedSession | OpenFailure> {
  const { transcript, timeouts } = options;
  const dialed = await options.dialer.dial(options.address, options.port, { timeoutMs: timeouts.connectMs, signal: options.signal });
  if (!dialed.ok) {
    transcript.add('i', `connect ${options.address}:${options.port}: ${dialed.failure} (${dialed.detail})`.slice(0, 300));
    return { ok: false, stage: 'connect', reason: dialReason(dialed.failure), backOff: false };
  }
  transcript.add('i', `connected to ${options.address}:${options.port} (${options.host})`);
  const session = new SmtpSession(dialed.connection, {
    clock: options.clock, commandTimeoutMs: timeouts.commandMs, signal: options.signal, limits: options.limits, transcript,
  });
  const fail = (stage: OpenFailure['stage'], got: ReplyResult, phase: ReplyPhase): OpenFailure => {
    session.close();
    if (!got.ok) return { ok: false, stage, reason: sessionFailureReason(got.failure), backOff: false, session };
    const cls = classifyReply(got.reply, { phase });
    return { ok: false, stage, reason: cls.reason, reply: got.reply, backOff: cls.closing || tooBusy(got.reply), session };
  };

  const banner = await session.greeting(timeouts.bannerMs);
  if (!banner.ok || banner.reply.code !== 220) return fail('banner', banner, 'banner');
  const hello = await greet(session, options.heloName);
  if (!hello.ok) return fail('ehlo', hello.result, hello.phase);
  if (!hello.capabilities.starttls || !options.tls) return { ok: true, session, capabilities: hello.capabilities, tls: false };

  const starttls = await session.send('STARTTLS');
  if (!starttls.ok) return fail('tls', starttls, 'starttls');
  if (starttls.reply.code !== 220) return { ok: true, session, capabilities: hello.capabilities, tls: false };
  const upgraded = await session.upgradeToTls(serverName(options.host), timeouts.tlsMs);
  if (!upgraded.ok) {
    transcript.add('i', `TLS failed: ${upgraded.failure.detail}`.slice(0, 300));
    return { ok: false, stage: 'tls', reason: sessionFailureReason(upgraded.failure), backOff: false, session };
  }
  const again = await session.send(`EHLO ${options.heloName}`);
  if (!again.ok || again.reply.code !== 250) return fail('ehlo', again, 'ehlo');
  return { ok: true, session, capabilities: parseCapabilities(again.reply), tls: true };
}

type Greeting = { ok: true; capabilities: Capabilities } | { ok: false; result: ReplyResult; phase: ReplyPhase };

async function greet(session: SmtpSession, heloName: string): Promise<Greeting> {
  const ehlo = await session.send(`EHLO ${heloName}`);
  if (ehlo.ok && ehlo.reply.code === 250) return { ok: true, capabilities: parseCapabilities(ehlo.reply) };
  // Only a permanent refusal of EHLO means "speak RFC 821"; a 4xx or a hang-up is an answer.
  if (!ehlo.ok || ehlo.reply.code < 500) return { ok: false, result: ehlo, phase: 'ehlo' };
  const helo = await session.send(`HELO ${heloName}`);
  if (helo.ok && helo.reply.code === 250) return { ok: true, capabilities: NO_CAPABILITIES };
  return { ok: false, result: helo, phase: 'helo' };
}

export function sessionFailureReason(failure: SessionFailure): ReasonCode {
  switch (failure.kind) {
    case 'timeout': return 'smtp_timeout';
    case 'closed': return 'server_closing';
    case 'aborted': return 'deadline_exceeded';
    case 'unsafe_command': return 'control_characters';
    case 'protocol':
    case 'tls_failed': return 'smtp_protocol_error';
  }
}

function dialReason(failure: DialFailure): ReasonCode {
  return failure === 'aborted' ? 'deadline_exceeded' : 'smtp_unreachable';
}

/** "421 Too many connections" and its 4xx/5xx cousins ask us to come back later, not elsewhere. */
export function tooBusy(reply: SmtpReply): boolean {
  return reply.code >= 400 && matchesAny(normalizeReplyText(reply.lines), BUSY_PATTERNS);
}

/** SNI carries a host name, never an address literal. */
function serverName(host: string): string {
  return /^[\d.]+$|:/.test(host) || host === '' ? '' : host.replace(/\.$/, '');
}
