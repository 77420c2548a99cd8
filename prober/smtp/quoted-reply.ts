import type { SmtpReply } from '../../protocol/index.ts';
import { enhancedCodeOf } from './enhanced-code.ts';

/** Postfix's reject_unverified_recipient, before the backend's reply: the recipient bounced, or its check was deferred. */
const BOUNCED = 'recipient address rejected: undeliverable address: host ';
const DEFERRED = 'recipient address rejected: unverified address: host ';
const SAID = ' said: ';
/** What Postfix appends to the quoted reply. */
const IN_REPLY_TO = ' (in reply to ';

/** A backend's reply a gateway quotes, and whether the gateway took it for a bounce of the recipient. */
export interface BackendReply {
  reply: SmtpReply;
  bounced: boolean;
}

/**
 * The reply a gateway's recipient verification got from the server behind it, when the refusal
 * quotes one: Postfix's "550 5.1.1 <x>: Recipient address rejected: undeliverable address: host
 * backend[10.0.0.2] said: 550 5.1.1 <x>: User unknown (in reply to RCPT TO command)", or
 * "unverified address: …" when its check was deferred. The quoted reply answered the gateway's
 * own probe, from the gateway's address and sender, not ours. Plain string search only: no regex
 * runs over server text.
 */
export function quotedBackendReply(reply: SmtpReply): BackendReply | undefined {
  const raw = reply.lines.join(' ').slice(0, 8192);
  const lower = raw.toLowerCase();
  const bouncedAt = lower.indexOf(BOUNCED);
  const host = bouncedAt >= 0 ? bouncedAt : lower.indexOf(DEFERRED);
  const said = host < 0 ? -1 : lower.indexOf(SAID, host);
  if (said < 0) return undefined;
  const start = said + SAID.length;
  const end = lower.indexOf(IN_REPLY_TO, start);
  const quoted = raw.slice(start, end < 0 ? undefined : end).trim();
  const digits = quoted.slice(0, 3);
  const separator = quoted.charAt(3);
  if (!'245'.includes(digits.charAt(0)) || ![...digits].every(isDigit) || digits.length < 3 || !' -'.includes(separator)) return undefined;
  const code = Number(digits);
  const line = quoted.slice(4);
  const enhanced = enhancedCodeOf(line, code);
  return { reply: enhanced ? { code, enhanced, lines: [line] } : { code, lines: [line] }, bounced: bouncedAt >= 0 };
}

function isDigit(ch: string): boolean {
  return ch >= '0' && ch <= '9';
}
