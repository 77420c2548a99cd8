import { z } from 'zod';
import { ReasonCode } from './reasons.ts';

/** One SMTP reply as read from the wire: the code, the RFC 3463 enhanced code if any, and every line's text. */
export const SmtpReply = z.object({
  code: z.number().int().min(100).max(599),
  enhanced: z.string().max(16).optional(),
  lines: z.array(z.string().max(1024)).max(64),
});
export type SmtpReply = z.infer<typeof SmtpReply>;

/** What one RCPT TO (or the session around it) told us about one address. */
export const RCPT_OUTCOMES = ['accepted', 'rejected', 'temporary', 'error'] as const;
export const RcptOutcome = z.enum(RCPT_OUTCOMES);
export type RcptOutcome = (typeof RCPT_OUTCOMES)[number];

/** One line of a session transcript, for the user to read. */
export const TranscriptLine = z.object({
  at_ms: z.number().nonnegative(),
  dir: z.enum(['c', 's', 'i']),
  text: z.string().max(1024),
});
export type TranscriptLine = z.infer<typeof TranscriptLine>;

/**
 * Why an answer is temporary (or an error), for the edge to pick how to retry: `greylisted`
 * (ask again after the hinted delay, same addresses), `busy` (the server wants fewer or slower
 * sessions, a recipient limit included), `blocked` (our IP, HELO, sender or reputation was
 * refused), `broken` (a protocol fault, a broken stream, a timeout mid-session), `unreachable`
 * (no connection or no banner).
 */
export const TEMPORARY_CAUSES = ['greylisted', 'busy', 'blocked', 'broken', 'unreachable'] as const;
export const TemporaryCause = z.enum(TEMPORARY_CAUSES);
export type TemporaryCause = (typeof TEMPORARY_CAUSES)[number];

/** The control recipient (postmaster@domain, RFC 5321 §4.5.1) asked beside an ambiguous refusal, and its reply. */
export const ControlCheck = z.object({
  address: z.string().max(320),
  reply: SmtpReply,
});
export type ControlCheck = z.infer<typeof ControlCheck>;

export const SmtpCheck = z.object({
  outcome: RcptOutcome,
  reason: ReasonCode,
  mx_host: z.string().optional(),
  mx_address: z.string().optional(),
  reply: SmtpReply.optional(),
  retry_after_s: z.number().int().nonnegative().optional(),
  tls: z.boolean().optional(),
  cause: TemporaryCause.optional(),
  control: ControlCheck.optional(),
  /** A sentence naming what the reply was about when the reason code alone does not (our HELO name …). */
  detail: z.string().max(300).optional(),
  transcript: z.array(TranscriptLine).max(512).optional(),
});
export type SmtpCheck = z.infer<typeof SmtpCheck>;

export const CatchAllCheck = z.object({
  status: z.enum(['yes', 'no', 'unknown']),
  cached: z.boolean(),
  mx_host: z.string().optional(),
  /** The probes were greylisted: the check is still open and is asked again with the same probe names. */
  open: z.boolean().optional(),
  /** The delay the probes' greylisting asked for (the longest of them: all three have to pass); when the open check can be asked again. */
  retry_after_s: z.number().int().nonnegative().optional(),
});
export type CatchAllCheck = z.infer<typeof CatchAllCheck>;
