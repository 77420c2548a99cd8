import type { SmtpCheck, TemporaryCause } from './smtp.ts';

const BUSY_TEXT = /too many (connections|sessions|concurrent)|rate.?limit|connection (rate|limit)|try again later|temporarily (deferred|rate)/i;

/**
 * The cause of a check's "not now" (smtp.ts TemporaryCause), or null when it is no "not now" at
 * all (a verdict, a full mailbox). The prober's own `cause` wins; a check without one (from an
 * older prober, or made by the edge: deadline_exceeded, internal_error) is read from its reason
 * and reply.
 */
export function temporaryCauseOf(check: Pick<SmtpCheck, 'outcome' | 'reason' | 'reply' | 'cause'>): TemporaryCause | null {
  if (check.cause) return check.cause;
  const code = check.reply?.code;
  switch (check.reason) {
    case 'greylisted':
      return 'greylisted';
    case 'server_closing':
      // A 421 is the server speaking: it is busy or going down. No reply at all is a reset.
      return code === undefined ? 'broken' : 'busy';
    case 'temporary_failure':
      // A 5xx says not to send this again, whatever its reason (Gmail's "ReceivingRatePerm"): no retry.
      return code !== undefined && code >= 500 ? null : 'busy';
    case 'blocked_by_server':
      return BUSY_TEXT.test(check.reply?.lines.join(' ') ?? '') ? 'busy' : 'blocked';
    case 'smtp_timeout':
    case 'deadline_exceeded':
    case 'internal_error':
      return 'broken';
    case 'smtp_protocol_error':
      // A 5xx is a clear refusal of our command; garbage or a failed handshake may be a passing fault.
      return code !== undefined && code >= 500 ? null : 'broken';
    case 'smtp_unreachable':
      return 'unreachable';
    default:
      return null;
  }
}
