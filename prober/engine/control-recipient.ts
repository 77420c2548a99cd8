import { MAX_ADDRESS_TRANSCRIPT, type ControlCheck, type SmtpCheck, type SmtpReply, type TranscriptLine } from '../../protocol/index.ts';
import { classifyReply, speaksOfMailbox } from '../smtp/classify-reply.ts';
import { rcptToCommand } from '../smtp/command-line.ts';
import type { SmtpSession } from '../smtp/smtp-session.ts';

/**
 * What the control recipient said in this session: RFC 5321 §4.5.1 requires every domain to
 * accept `postmaster@domain`, so its answer shows whether an ambiguous refusal ("550 Requested
 * action not taken") was about the mailbox or about us. Asked at most once per domain per
 * session, and only when an ambiguous refusal appears.
 */
export interface ControlAnswer {
  check: ControlCheck;
  lines: TranscriptLine[];
  /** accepted: the server takes mail from us; refused: it refuses us as it refused the address; else we still do not know. */
  verdict: 'accepted' | 'refused' | 'inconclusive';
}

export const controlAddress = (domain: string) => `postmaster@${domain}`;

export function isControlAddress(address: string, domain: string): boolean {
  return address.toLowerCase() === controlAddress(domain).toLowerCase();
}

export function controlVerdict(reply: SmtpReply, address: string): ControlAnswer['verdict'] {
  const cls = classifyReply(reply, { phase: 'rcpt', recipient: address });
  if (cls.outcome === 'accepted') return 'accepted';
  // "Refused the same way": a refusal of us or another unexplained 5xx. A postmaster the server
  // calls unknown is a broken server, which tells nothing about the address.
  if (reply.code >= 500 && cls.outcome !== 'rejected' && !cls.closing) return 'refused';
  return 'inconclusive';
}

/** Asks the control recipient in the open transaction; undefined when the session failed. */
export async function askControl(session: SmtpSession, domain: string, replyTimeoutMs: number): Promise<ControlAnswer | undefined> {
  const address = controlAddress(domain);
  const got = await session.send(rcptToCommand(address), replyTimeoutMs);
  if (!got.ok) return undefined;
  return { check: { address, reply: got.reply }, lines: got.lines, verdict: controlVerdict(got.reply, address) };
}

/** An answer of the address itself, when it is the control recipient and was asked in the batch. */
export function controlFromBatch(address: string, reply: SmtpReply, lines: TranscriptLine[]): ControlAnswer {
  return { check: { address, reply }, lines, verdict: controlVerdict(reply, address) };
}

/**
 * Whether the control shows an ambiguous refusal of `address` was the mailbox's: postmaster@
 * accepted, and the refusal's words speak of a mailbox ("mailbox unavailable") or the server took
 * another recipient of ours (`othersAccepted`). A wordless deny ("550 Administrative prohibition")
 * with neither is not settled: Exim's default configuration accepts postmaster@ before any other
 * check, so a server that denies us every other recipient still takes it.
 */
export function refusedAsMailbox(control: ControlAnswer | undefined, reply: SmtpReply | undefined, address: string, othersAccepted: boolean): boolean {
  if (control?.verdict !== 'accepted') return false;
  return othersAccepted || (reply !== undefined && speaksOfMailbox(reply, address));
}

const UNSETTLED_BY_POSTMASTER =
  'postmaster@ was accepted, but the refusal names no mailbox and the server took no other recipient of ours: it may refuse us everyone but postmaster@.';

/** An ambiguous refusal, settled by the control: mailbox_not_found, blocked_by_server, or still ambiguous (see refusedAsMailbox). */
export function settleAmbiguous(check: SmtpCheck, control: ControlAnswer, address: string, othersAccepted: boolean): SmtpCheck {
  const transcript = [...(check.transcript ?? []), ...control.lines].slice(-MAX_ADDRESS_TRANSCRIPT);
  const base = { ...check, control: control.check, transcript };
  if (refusedAsMailbox(control, check.reply, address, othersAccepted)) return { ...base, outcome: 'rejected', reason: 'mailbox_not_found' };
  if (control.verdict === 'refused') return { ...base, outcome: 'error', reason: 'blocked_by_server', cause: 'blocked' };
  if (control.verdict === 'accepted') return { ...base, detail: UNSETTLED_BY_POSTMASTER };
  return base;
}
