import type { ReasonCode, SmtpReply, TemporaryCause } from '../../protocol/index.ts';
import { enhancedCodeOf, parseEnhancedCode } from './enhanced-code.ts';
import { quotedBackendReply } from './quoted-reply.ts';
import { matchesAny, normalizeReplyText } from './reply-text.ts';
import { retryAfterSeconds } from './retry-delay.ts';
import {
  BARE_CODE_REASONS, BLOCK_PATTERNS, BUSY_PATTERNS, CLOSING_PATTERNS, DISABLED_PATTERNS, ENHANCED_REASONS, FOREIGN_DOMAIN_PATTERNS, FULL_PATTERNS,
  GREYLIST_ENHANCED, GREYLIST_PATTERNS, HELO_PATTERNS, MAILBOX_FRAMES, MAILBOX_WORDS, NAMES_OUR_IP_PATTERNS, NOT_FOUND_PATTERNS, POLICY_SUBJECT, PROVIDER_QUIRKS,
  RECIPIENT_LIMIT_ENHANCED, RECIPIENT_LIMIT_PATTERNS, RELAY_DENIED_PATTERNS, RETRY_LATER_CODES, RETRY_LATER_PATTERNS,
  SMTPUTF8_PATTERNS, SYSTEM_TEMPORARY_PATTERNS,
} from './reply-patterns.ts';

export type ReplyPhase = 'banner' | 'ehlo' | 'helo' | 'mail' | 'rcpt' | 'rset' | 'starttls';

export interface ReplyContext {
  phase: ReplyPhase;
  /** The address needs SMTPUTF8 (RFC 6531), so a refusal of it is not about the mailbox. */
  smtputf8Needed?: boolean;
  /** The address the reply answers, removed from the text before its words are read. */
  recipient?: string;
  /** Our MAIL FROM: a refusal of a recipient that names it, and not the recipient, is about us. */
  sender?: string;
}

export interface ReplyClass {
  outcome: 'accepted' | 'rejected' | 'temporary' | 'error';
  reason: ReasonCode;
  retry_after_s?: number;
  /** For temporary and error outcomes: what kind of trouble, so the edge retries by it. */
  cause?: TemporaryCause;
  /** The server hangs up after this reply: do not send another command in this session. */
  closing: boolean;
  greylisted: boolean;
  /** We (our address, name, sender or reputation) were refused, not the address. */
  blocked: boolean;
  /** A permanent refusal that says neither "no such mailbox" nor "not you": ask the control recipient. */
  ambiguous: boolean;
  /** "Too many recipients": start a new transaction for the rest; nothing is wrong with the address. */
  recipientLimit: boolean;
  /** The server asks for fewer or slower sessions (too many connections, rate). */
  busy: boolean;
  /** The block names our IP or reputation: the provider's every MX host shares it. */
  namesOurIp: boolean;
  /** Our HELO name was refused. */
  helo: boolean;
  /** This MX takes no mail for the domain at all ("Relay access denied"). */
  relayDenied: boolean;
}

const SUCCESS: Record<ReplyPhase, readonly number[]> = {
  banner: [220], ehlo: [250], helo: [250], mail: [250], rcpt: [250, 251], rset: [250], starttls: [220],
};

/** Reasons that judge the address itself; only a 5xx to RCPT can carry one. */
const ADDRESS_REASONS: ReadonlySet<ReasonCode> = new Set(['mailbox_not_found', 'mailbox_disabled', 'mailbox_full']);
const TEMPORARY_REASONS: ReadonlySet<ReasonCode> = new Set(['greylisted', 'mailbox_full', 'blocked_by_server', 'temporary_failure', 'smtputf8_unsupported']);

/**
 * What one SMTP reply means. Outcome follows the reply's class (2xx accepted, 4xx temporary,
 * 5xx rejected when the reason judges the mailbox, else error). The reason: a provider quirk
 * first, then a specific enhanced code, then the text, then the bare code; see reply-patterns.ts.
 * A 5xx to RCPT that names neither the mailbox nor us is `ambiguous_refusal`, never a guess.
 */
export function classifyReply(reply: SmtpReply, context: ReplyContext): ReplyClass {
  const code = reply.code;
  if (!Number.isInteger(code) || code < 200 || code > 599 || !Array.isArray(reply.lines)) return error('smtp_protocol_error');
  const text = normalizeReplyText(reply.lines, context.recipient);
  const closing = code === 421 || matchesAny(text, CLOSING_PATTERNS);
  if (code < 300) return SUCCESS[context.phase].includes(code) ? verdict('accepted', 'accepted', closing) : error('smtp_protocol_error', closing);
  if (code < 400) return error('smtp_protocol_error', closing);
  const quoted = context.phase === 'rcpt' ? quotedBackendReply(reply) : undefined;
  if (quoted) return throughGateway(classifyReply(quoted, { phase: 'rcpt', ...(context.recipient ? { recipient: context.recipient } : {}) }), code, closing);

  const enhanced = enhancedOf(reply);
  const aboutSender = namesOnlySender(reply.lines, text, context);
  const blockText = aboutSender || matchesAny(text, BLOCK_PATTERNS);
  const flags = {
    busy: matchesAny(text, BUSY_PATTERNS),
    namesOurIp: matchesAny(text, NAMES_OUR_IP_PATTERNS),
    helo: matchesAny(text, HELO_PATTERNS),
    // Only a permanent refusal says the MX takes no mail for the domain: Mimecast's "451 Open relay not allowed" is for now.
    relayDenied: code >= 500 && matchesAny(text, RELAY_DENIED_PATTERNS),
  };
  const recipientLimit = context.phase === 'rcpt' && isRecipientLimit(code, enhanced, text, { blockText, namesOurIp: flags.namesOurIp });
  if (recipientLimit) return { ...verdict('temporary', 'temporary_failure', closing), ...flags, cause: 'busy', recipientLimit, busy: true };
  if (code >= 500) {
    const found = aboutSender ? 'blocked_by_server' : reasonOf(code, enhanced, text, { blockText, namesOurIp: flags.namesOurIp }, context);
    // 503 is "bad sequence of commands": whatever its words, not a verdict on the mailbox (Mimecast's "503 User unknown").
    const reason = forPhase(code === 503 && ADDRESS_REASONS.has(found) ? 'smtp_protocol_error' : found, context.phase, code);
    const outcome = ADDRESS_REASONS.has(reason) ? 'rejected' : 'error';
    return { ...verdict(outcome, reason, closing), ...flags, ambiguous: reason === 'ambiguous_refusal' };
  }

  const retry = retryAfterSeconds(text);
  const temporary = (found: ReasonCode): ReplyClass => {
    const reason = forPhase(found, context.phase, code);
    const blocked = reason === 'blocked_by_server' || (code === 421 && blockText);
    return {
      ...verdict('temporary', reason, closing),
      ...flags,
      ...(retry === undefined ? {} : { retry_after_s: retry }),
      greylisted: reason === 'greylisted',
      blocked,
      cause: reason === 'greylisted' ? 'greylisted' : blocked ? 'blocked' : 'busy',
    };
  };
  if (code === 421) return temporary('server_closing');
  const quirk = quirkOf(enhanced, text);
  if (quirk) return temporary(TEMPORARY_REASONS.has(quirk) ? quirk : 'temporary_failure');
  if (matchesAny(text, GREYLIST_PATTERNS)) return temporary('greylisted');
  if (blockText) return temporary('blocked_by_server');
  const retryLater = RETRY_LATER_CODES.has(code) || (enhanced !== undefined && GREYLIST_ENHANCED.has(enhanced));
  if (retryLater && (retry !== undefined || matchesAny(text, RETRY_LATER_PATTERNS))) return temporary('greylisted');
  // A 4xx whose words are about us was answered above.
  const reason = reasonOf(code, enhanced, text, { blockText: false, namesOurIp: false }, context);
  return temporary(TEMPORARY_REASONS.has(reason) ? reason : 'temporary_failure');
}

/**
 * What a backend's reply, quoted by a gateway's recipient verification, means for us. Its verdict
 * on the mailbox is the news, even under Postfix's default 450 (the gateway defers the sender,
 * and its cache keeps the backend's "User unknown" for days). Anything else answered the gateway's
 * own probe (its IP, its sender, a lookup that failed) or is not final yet: neither the mailbox
 * nor us, so a 4xx waits as busy and a 5xx is no verdict. Read as the gateway's words,
 * "undeliverable address" had made the backend's refusal of the probe's sender a missing mailbox.
 */
function throughGateway(backend: ReplyClass, code: number, closing: boolean): ReplyClass {
  if (ADDRESS_REASONS.has(backend.reason)) return { ...backend, closing };
  return code < 500 ? { ...verdict('temporary', 'temporary_failure', closing), cause: 'busy' } : error('temporary_failure', closing);
}

/**
 * The refusal names our MAIL FROM, or its domain, and not the recipient it answers ("550-Verification
 * failed for <our sender> / 550-Unrouteable address", "550 5.1.0 <our sender>: Sender address
 * rejected: User unknown", SoftBank's "553 <our domain> does not exist"): whatever its words say is
 * missing or unknown, it is our address, not the recipient.
 */
function namesOnlySender(lines: readonly string[], text: string, context: ReplyContext): boolean {
  if (context.phase !== 'rcpt' || !context.sender || !context.recipient) return false;
  const raw = lines.join(' ').slice(0, 8192).toLowerCase();
  if (raw.includes(context.recipient.toLowerCase())) return false;
  if (raw.includes(context.sender.toLowerCase())) return true;
  // The domain as words of the server's own text (`text`: echoed addresses gone), and not the recipient's domain too.
  const ours = normalizeReplyText([domainOf(context.sender)]);
  const theirs = normalizeReplyText([domainOf(context.recipient)]);
  return ours.trim() !== '' && text.includes(ours) && !text.includes(theirs);
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}

function isRecipientLimit(code: number, enhanced: string | undefined, text: string, us: { blockText: boolean; namesOurIp: boolean }): boolean {
  // GoDaddy's "550 This IP has sent too many to too many recipients this hour": a limit on us, not on a transaction.
  if (us.namesOurIp) return false;
  if (matchesAny(text, RECIPIENT_LIMIT_PATTERNS)) return true;
  const parsed = enhanced === undefined ? undefined : parseEnhancedCode(enhanced);
  // chkuser's "550 5.5.3 sorry, you are violating our security policies": the code of a recipient limit on a refusal of us.
  return parsed !== undefined && `${parsed.subject}.${parsed.detail}` === RECIPIENT_LIMIT_ENHANCED && !(code >= 500 && us.blockText);
}

/**
 * The reason a reply's quirk, enhanced code, text and code give, in that order of authority.
 * `us`: whether its words are about us at all (blockText) and name our IP or a blocklist.
 */
function reasonOf(code: number, enhanced: string | undefined, text: string, us: { blockText: boolean; namesOurIp: boolean }, context: ReplyContext): ReasonCode {
  if (context.smtputf8Needed && (code === 555 || matchesAny(text, SMTPUTF8_PATTERNS))) return 'smtputf8_unsupported';
  // Postfix reports HELO restrictions at RCPT as "504 5.5.2 …: Helo command rejected": our name, not a syntax error.
  if (matchesAny(text, HELO_PATTERNS)) return 'blocked_by_server';
  const quirk = quirkOf(enhanced, text);
  if (quirk) return quirk;
  const parsed = enhanced === undefined ? undefined : parseEnhancedCode(enhanced);
  if (parsed?.subject === POLICY_SUBJECT) {
    // "550 5.7.1 Recipient address rejected: User unknown": some servers file unknown users under
    // policy. When the text names the mailbox and nothing about us, the mailbox is the news.
    return us.blockText ? 'blocked_by_server' : (mailboxReason(text) ?? 'blocked_by_server');
  }
  const byEnhanced = parsed && ENHANCED_REASONS.get(`${parsed.subject}.${parsed.detail}`);
  // "550 5.1.1 Mailbox unavailable. Your IP address … is listed at zen.spamhaus.org": a mailbox
  // code on a refusal of us. Believed, it deletes a real customer; the words about us win.
  if (byEnhanced && ADDRESS_REASONS.has(byEnhanced) && us.namesOurIp) return 'blocked_by_server';
  if (byEnhanced && ADDRESS_REASONS.has(byEnhanced)) {
    const said = mailboxReason(text);
    // "571 sorry, you are violating our security policies (#5.1.1 - chkuser)": a mailbox code on words only about us.
    if (said === undefined && us.blockText) return 'blocked_by_server';
    // The words tell the mailbox's state better than a code servers send for any of them ("552 5.1.1
    // Recipient overquota": Orange, Comcast, qmail's chkuser). Full stays full: that mailbox is alive.
    return byEnhanced === 'mailbox_full' ? byEnhanced : (said ?? byEnhanced);
  }
  // Words about us on the code of a syntax fault or a full transaction: "550 5.5.2 Sender address rejected: need
  // fully-qualified address" (Proofpoint), "550 5.5.3 sorry, you are violating our security policies" (chkuser).
  if ((byEnhanced === 'smtp_protocol_error' || byEnhanced === 'temporary_failure') && us.blockText) return 'blocked_by_server';
  if (byEnhanced) return byEnhanced;
  if (matchesAny(text, SYSTEM_TEMPORARY_PATTERNS)) return 'temporary_failure';
  if (us.blockText) return 'blocked_by_server';
  const bare = mailboxReason(text) ?? BARE_CODE_REASONS.get(code) ?? 'smtp_protocol_error';
  // "550 … Failure sending mail. Try again later": a refusal that asks to be retried is no verdict on the mailbox.
  return bare === 'ambiguous_refusal' && matchesAny(text, RETRY_LATER_PATTERNS) ? 'temporary_failure' : bare;
}

function quirkOf(enhanced: string | undefined, text: string): ReasonCode | undefined {
  return PROVIDER_QUIRKS.find((q) => (q.enhanced === undefined || q.enhanced === enhanced) && q.all.every((p) => text.includes(p)))?.reason;
}

function mailboxReason(text: string): ReasonCode | undefined {
  if (matchesAny(text, DISABLED_PATTERNS)) return 'mailbox_disabled';
  if (matchesAny(text, FULL_PATTERNS)) return 'mailbox_full';
  if (matchesAny(text, NOT_FOUND_PATTERNS)) return 'mailbox_not_found';
  return undefined;
}

/**
 * Outside RCPT no reply judges the address: before it, a refusal is of us. RSET and STARTTLS
 * come after the server took us, so a refusal there is a fault (454 4.7.0 is TLS, not a block).
 */
function forPhase(reason: ReasonCode, phase: ReplyPhase, code: number): ReasonCode {
  if (phase === 'rcpt') return reason;
  const aboutAddress = ADDRESS_REASONS.has(reason) || reason === 'ambiguous_refusal';
  if (phase === 'rset' || phase === 'starttls') {
    if (!aboutAddress && reason !== 'greylisted' && reason !== 'blocked_by_server') return reason;
    return code < 500 ? 'temporary_failure' : 'smtp_protocol_error';
  }
  return aboutAddress ? 'blocked_by_server' : reason;
}

/**
 * A permanent refusal of `recipient` for policy (relaying, "domain mismatch", 5.7.x) that names
 * neither our IP nor our HELO: what a server that binds a session to its first domain says to
 * another domain's RCPT. A mailbox refused as unknown (5.1.1) is an answer, not this.
 */
export function refusesForeignDomain(reply: SmtpReply, recipient: string): boolean {
  if (reply.code < 500) return false;
  const cls = classifyReply(reply, { phase: 'rcpt', recipient });
  if (cls.namesOurIp || cls.helo) return false;
  return cls.relayDenied || reply.enhanced?.startsWith('5.7.') === true || matchesAny(normalizeReplyText(reply.lines, recipient), FOREIGN_DOMAIN_PATTERNS);
}

/**
 * Whether a refusal's own words speak of a mailbox ("mailbox unavailable", "Address rejected"),
 * not counting the address it echoes or Postfix's "Recipient address rejected:" framing.
 */
export function speaksOfMailbox(reply: SmtpReply, recipient: string): boolean {
  let text = normalizeReplyText(reply.lines, recipient);
  for (const frame of MAILBOX_FRAMES) text = text.split(frame).join(' ');
  return matchesAny(text, MAILBOX_WORDS);
}

function enhancedOf(reply: SmtpReply): string | undefined {
  const given = reply.enhanced === undefined ? undefined : parseEnhancedCode(reply.enhanced);
  if (given) return reply.enhanced;
  for (const line of reply.lines) {
    const found = enhancedCodeOf(line, reply.code);
    if (found) return found;
  }
  return undefined;
}

const NO_FLAGS = { ambiguous: false, recipientLimit: false, busy: false, namesOurIp: false, helo: false, relayDenied: false } as const;

function verdict(outcome: ReplyClass['outcome'], reason: ReasonCode, closing: boolean): ReplyClass {
  const blocked = reason === 'blocked_by_server';
  const cause: TemporaryCause | undefined = outcome === 'accepted' || outcome === 'rejected' ? undefined : blocked ? 'blocked' : reason === 'smtp_protocol_error' ? 'broken' : undefined;
  return { outcome, reason, closing, greylisted: false, blocked, ...NO_FLAGS, ...(cause ? { cause } : {}) };
}

function error(reason: ReasonCode, closing = false): ReplyClass {
  return verdict('error', reason, closing);
}
