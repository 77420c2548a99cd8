import type { SmtpReply } from '../../protocol/index.ts';
import { enhancedCodeOf } from './enhanced-code.ts';

/**
 * Postfix's reject_unverified_recipient, before the backend's reply: "undeliverable address" under
 * a 5xx, "unverified address" under its default 450 (unverified_recipient_reject_code), whether
 * the backend's answer was final or not.
 */
const VERIFIED_BY = ['recipient address rejected: undeliverable address: host ', 'recipient address rejected: unverified address: host '];
const SAID = ' said: ';
/** What Postfix appends to the quoted reply. */
const IN_REPLY_TO = ' (in reply to ';

/** Exim's recipient callout, on a line of its own before the backend's reply (verify.c). */
const CALLOUT_FAILED = 'callout verification failed:';

/**
 * The reply a gateway's recipient verification got from the server behind it, when the refusal
 * quotes one: Postfix's "450 4.1.1 <x>: Recipient address rejected: unverified address: host
 * backend[10.0.0.2] said: 550 5.1.1 <x>: User unknown (in reply to RCPT TO command)", or Exim's
 * "550-Callout verification failed: / 550 550 5.1.1 <x>: User unknown" (to RCPT, or to the
 * callout's own MAIL FROM). The quoted reply answered the gateway's own probe, from the
 * gateway's address and sender, not ours. Plain string search only: no regex runs over server text.
 */
export function quotedBackendReply(reply: SmtpReply): SmtpReply | undefined {
  return quotedByPostfix(reply.lines) ?? quotedByExim(reply.lines);
}

function quotedByPostfix(lines: readonly string[]): SmtpReply | undefined {
  const raw = lines.join(' ').slice(0, 8192);
  const lower = raw.toLowerCase();
  const host = VERIFIED_BY.map((phrase) => lower.indexOf(phrase)).find((at) => at >= 0);
  const said = host === undefined ? -1 : lower.indexOf(SAID, host);
  if (said < 0) return undefined;
  const start = said + SAID.length;
  const end = lower.indexOf(IN_REPLY_TO, start);
  return replyOf([raw.slice(start, end < 0 ? undefined : end).trim()]);
}

function quotedByExim(lines: readonly string[]): SmtpReply | undefined {
  const marker = lines.findIndex((line) => line.trim().toLowerCase() === CALLOUT_FAILED);
  return marker < 0 ? undefined : replyOf(lines.slice(marker + 1));
}

/** Quoted reply lines, each with its own code ("550-5.1.1 …", "550 5.1.1 …"), as a reply. */
function replyOf(quoted: readonly string[]): SmtpReply | undefined {
  const code = quoted[0] === undefined ? undefined : replyCodeAt(quoted[0]);
  if (code === undefined || quoted.some((line) => replyCodeAt(line) !== code)) return undefined;
  const lines = quoted.map((line) => line.slice(4));
  const enhanced = enhancedCodeOf(lines[0]!, code);
  return enhanced ? { code, enhanced, lines } : { code, lines };
}

/** The 2xx, 4xx or 5xx code a quoted reply starts with ("550 …", "550-…", a bare "550"). */
function replyCodeAt(text: string): number | undefined {
  const digits = text.slice(0, 3);
  const separator = text.charAt(3);
  const wellFormed = digits.length === 3 && [...digits].every((ch) => ch >= '0' && ch <= '9') && '245'.includes(digits.charAt(0));
  return wellFormed && (separator === '' || separator === ' ' || separator === '-') ? Number(digits) : undefined;
}
