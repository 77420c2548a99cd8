import { MAX_ADDRESS_TRANSCRIPT, MAX_PRELUDE_LINES, type ProbeAddress, type SmtpCheck, type SmtpReply, type TranscriptLine } from '../../protocol/index.ts';
import { classifyReply, refusesForeignDomain, type ReplyClass } from '../smtp/classify-reply.ts';
import { mailFromCommand, rcptToCommand } from '../smtp/command-line.ts';
import { openSession, sessionFailureReason, tooBusy, type OpenFailure } from '../smtp/open-session.ts';
import type { Capabilities } from '../smtp/capabilities.ts';
import type { PipelineResult, SessionFailure, SmtpSession } from '../smtp/smtp-session.ts';
import { Transcript } from '../smtp/transcript.ts';
import { CATCH_ALL_PROBES, catchAllVerdict, probeAddresses, probesGreylist } from './catch-all-probe.ts';
import { settleCatchAll, useCachedCatchAll } from './catch-all-state.ts';
import { askControl, controlFromBatch, isControlAddress, refusedAsMailbox, settleAmbiguous, type ControlAnswer } from './control-recipient.ts';
import { noteRefusal } from './our-standing.ts';
import { answer, hasWork, type Shortfall, type Target, type TaskContext } from './task-context.ts';

export type SessionRun =
  /** No session: the slot is still held, for the caller to learn from the refusal before it lets go. */
  | { kind: 'open_failed'; failure: OpenFailure; triedTls: boolean; transcript: TranscriptLine[] }
  /** The server refused MAIL FROM (or RSET): nothing more to ask this host. */
  | { kind: 'refused'; shortfall: Shortfall; backOff: boolean; relayDenied?: boolean; smtputf8Missing?: boolean }
  /** The session ended; `drop` says why when it was not our choice (421, hang-up, timeout). */
  | { kind: 'ended'; progress: number; drop?: { shortfall: Shortfall; backOff: boolean } };

/**
 * One SMTP session on one MX address, answering as many pending addresses as it can: batches of
 * MAIL FROM + RCPTs (pipelined when offered, RSET between), the catch-all probe with the last
 * batch, and a fresh session left to the caller before the server's error limits bite.
 */
export async function runSession(ctx: TaskContext, target: Target, slot: { release: () => void; parked?: unknown; answered?: () => void }): Promise<SessionRun> {
  const { deps } = ctx;
  const { release } = slot;
  const transcript = new Transcript(() => deps.clock.now(), ctx.startedAt);
  // A session parked by an earlier task to this server (another domain) skips connect, banner,
  // EHLO and TLS; one that died while parked leaves its slot for a fresh session.
  const parked = slot.parked instanceof OpenSmtp && slot.parked.session.failure === undefined ? slot.parked : undefined;
  const reused = parked && deps.notes.sharesSessions(target.address) ? parked : undefined;
  // Left by a task before the host was known to refuse sharing: closed, and this task opens its own.
  if (parked && !reused) void parked.session.quit(deps.timeouts.commandMs);
  let open: OpenSmtp;
  if (reused) {
    reused.session.adopt({ signal: ctx.signal, transcript });
    open = reused;
  } else {
    const triedTls = deps.tls === 'opportunistic' && deps.notes.tlsUsable(target.address);
    const opened = await openSession({
      dialer: deps.dialer, clock: deps.clock, address: target.address, port: deps.port, host: target.host,
      heloName: deps.heloName, timeouts: deps.timeouts, tls: triedTls, transcript, signal: ctx.signal, limits: deps.replyLimits,
    });
    // The server counted this session by now, towards any limit it keeps on our new sessions.
    if (opened.ok || opened.stage !== 'connect') slot.answered?.();
    if (!opened.ok) {
      if (opened.session) count(ctx, opened.session, FRESH);
      return { kind: 'open_failed', failure: opened, triedTls, transcript: transcript.snapshot() };
    }
    open = new OpenSmtp(opened.session, opened.capabilities, opened.tls, transcript.snapshot().slice(0, MAX_PRELUDE_LINES));
  }
  const { session, capabilities, prelude } = open;
  const before = reused ? { commands: session.commands, roundTrips: session.roundTrips } : FRESH;
  const base = { mx_host: target.host, mx_address: target.address, tls: open.tls };
  useCachedCatchAll(ctx, target.host);

  let rejected = open.rejected;
  let progress = 0;
  let first = !reused;
  let control: ControlAnswer | undefined;
  /** Ambiguous refusals of this session still waiting for the control recipient. */
  let ambiguous: ProbeAddress[] = [];
  let run: SessionRun | undefined;
  let spent = false;
  /** RCPTs of this session the server answered on their own account, not with a block of us. */
  let judged = open.judged;
  const budget = () => deps.notes.refusalBudget(target.address, deps.maxRejectionsPerSession);
  // A refusal of our IP ends the session at once: the provider's back-off holds for every task.
  while (!run && hasWork(ctx) && !ctx.signal.aborted && !deps.providers.blockOf(target.host)) {
    const room = Math.min(deps.notes.batchSize(target.address), budget() - rejected);
    // An address that needs SMTPUTF8 waits for an MX that offers it (RFC 6531 §3.4).
    const askable = capabilities.smtputf8 ? ctx.pending : ctx.pending.filter((p) => !p.smtputf8);
    const batch = askable.slice(0, room);
    const last = batch.length === askable.length;
    // Pipelined, the first probe rides with the last batch for free (pipelined(), below); step by
    // step it waits, as the batch may settle it. Room is kept for all three, the worst case. Alone,
    // the probe needs only the rejection budget, not the host's (maybe halved) batch size.
    const probeRoom = batch.length > 0 ? room : budget() - rejected;
    const probeNow = ctx.probeNeeded && last && batch.length + CATCH_ALL_PROBES <= probeRoom && (batch.length > 0 ? capabilities.pipelining : anyAccepted(ctx));
    if (ctx.probeNeeded && batch.length === 0 && !probeNow) {
      if (!anyAccepted(ctx)) settleCatchAll(ctx, target.host, 'unknown');
      // The probes do not fit what is left of this session's refusal budget: a fresh one asks them.
      else spent = true;
    }
    const probes = probeNow ? probeAddresses(ctx.task.domain, deps.probeHash, deps.clock.now()) : [];
    if (batch.length === 0 && probes.length === 0) break;

    const head = [...(first ? [] : ['RSET']), mailFromCommand(deps.mailFrom, batch.some((b) => b.smtputf8))];
    const rcpts = batch.map((b) => rcptToCommand(b.address));
    const progressBefore = progress;
    const { exchanges, failure } = capabilities.pipelining
      ? await pipelined(session, head, rcpts, probes, deps.mailFrom, deps.timeouts.rcptMs)
      : await stepByStep(session, [...head, ...rcpts, ...probes.map(rcptToCommand)], head.length, head.length + batch.length, deps.timeouts.rcptMs);
    first = false;
    if (session.outOfStep()) {
      // Junk after a reply, or replies nobody asked for: this transaction's answers are suspect.
      run = dropped(progress, { outcome: 'error', reason: 'smtp_protocol_error', cause: 'broken' }, false);
      break;
    }

    for (const [i, ex] of exchanges.slice(0, head.length).entries()) {
      if (ex.reply.code === 250) continue;
      const cls = classifyReply(ex.reply, { phase: i === head.length - 1 ? 'mail' : 'rset' });
      const backOff = cls.closing || tooBusy(ex.reply);
      run = cls.closing ? dropped(progress, shortfallOf(cls, ex.reply), backOff) : { kind: 'refused', shortfall: shortfallOf(cls, ex.reply), backOff };
      break;
    }
    if (run) break;
    const mailLines = exchanges[head.length - 1]?.lines ?? [];
    if (reused && progress === 0 && refusesThisDomain(batch, exchanges.slice(head.length, head.length + batch.length))) {
      // The session came from another domain's task and the server will not mix domains: nothing
      // is answered here, the addresses go to a session of their own (the next one run-task opens).
      deps.notes.refusesSharing(target.address);
      run = { kind: 'ended', progress: 0 };
      break;
    }
    let limited = false;
    // Each RCPT reply read once, as the answer to its own recipient: the batch, the turn and the probes share it.
    const recipients = [...batch.map((b) => ({ recipient: b.address, smtputf8Needed: b.smtputf8 })), ...probes.map((p) => ({ recipient: p }))];
    const classes = exchanges.slice(head.length).map((ex, i) => classifyReply(ex.reply, { phase: 'rcpt', sender: deps.mailFrom, ...recipients[i] }));
    const turn = turnedOnUs(classes, { refused: rejected, judged, inherited: reused !== undefined && progress === 0 });
    for (const [i, item] of batch.entries()) {
      const ex = exchanges[head.length + i];
      const cls = classes[i];
      if (!ex || !cls || i === turn?.at) break;
      // "452 4.5.3 Too many recipients": the rest wait for the next transaction of this session, spending no retry.
      if (cls.recipientLimit) {
        limited = true;
        if (i > 0) deps.notes.limitRecipients(target.address, i);
        break;
      }
      if (cls.closing && cls.outcome !== 'accepted') {
        run = dropped(progress, shortfallOf(cls, ex.reply), true);
        break;
      }
      // "Relay access denied": this MX takes no mail for the domain at all; ask the next one.
      if (cls.relayDenied && cls.outcome !== 'accepted') {
        run = { kind: 'refused', shortfall: shortfallOf(cls, ex.reply), backOff: false, relayDenied: true };
        break;
      }
      answer(ctx, item, { ...base, ...checkOf(cls, ex.reply), ...(cls.helo ? { detail: heloDetail(deps.heloName) } : {}), transcript: addressTranscript(prelude, mailLines, ex.lines) });
      progress++;
      if (cls.namesOurIp || cls.helo) noteRefusal(ctx, target, ex.reply);
      if (cls.outcome !== 'accepted') rejected++;
      if (!blocksUs(cls)) judged++;
      if (cls.ambiguous) ambiguous.push(item);
      if (isControlAddress(item.address, ctx.task.domain)) control ??= controlFromBatch(item.address, ex.reply, ex.lines);
      // A server that says "no such mailbox" is not catch-all: no need to spend probes on it.
      if (cls.reason === 'mailbox_not_found' && ctx.probeNeeded && !probeNow) settleCatchAll(ctx, target.host, 'no');
    }
    if (run) break;
    if (turn && !limited) {
      // The rest of this session is refused whatever we ask: what is unanswered waits for a fresh
      // one, which stops short of the refusals that turned the server.
      deps.notes.limitRefusals(target.address, turn.refused);
      run = { kind: 'ended', progress };
      break;
    }
    const probeExchanges = limited ? [] : exchanges.slice(head.length + batch.length);
    const probeClasses = limited ? [] : classes.slice(batch.length);
    const probeLimit = probeClasses.findIndex((c) => c.recipientLimit);
    if (probeLimit >= 0) {
      limited = true;
      if (batch.length + probeLimit > 0) deps.notes.limitRecipients(target.address, batch.length + probeLimit);
      probeClasses.length = 0;
    }
    if (limited && progress === progressBefore) {
      // Not even one recipient per transaction: nothing more to learn from this session.
      run = dropped(progress, { outcome: 'temporary', reason: 'temporary_failure', cause: 'busy' }, false);
      break;
    }
    const closing = probeExchanges.find((ex) => ex.reply.code === 421);
    const unsettled = ambiguous.length > 0 || probeClasses.some((c) => c.ambiguous);
    if (unsettled && !limited && !control && !closing && !failure) {
      control = await askControl(session, ctx.task.domain, deps.timeouts.rcptMs);
      if (control && control.verdict !== 'accepted') rejected++;
    }
    const othersAccepted = acceptedBeyondControl(ctx) || probeClasses.some((c) => c.outcome === 'accepted');
    if (control) {
      for (const item of ambiguous) {
        const settled = settleAmbiguous(ctx.answers.get(item.id)!, control, item.address, othersAccepted);
        ctx.answers.set(item.id, settled);
        if (settled.reason === 'mailbox_not_found' && ctx.probeNeeded && !probeNow) settleCatchAll(ctx, target.host, 'no');
      }
      ambiguous = [];
    }
    const probeOutcomes = probeClasses.map((c, i) => (c.ambiguous && refusedAsMailbox(control, probeExchanges[i]!.reply, probes[i]!, othersAccepted) ? 'rejected' : c.outcome));
    rejected += probeOutcomes.filter((o) => o !== 'accepted').length;
    progress += probeOutcomes.length;
    if (probeNow && !limited && (probeOutcomes.length === probes.length || probeOutcomes.includes('rejected'))) {
      settleCatchAll(ctx, target.host, catchAllVerdict(probeOutcomes), probesGreylist(probeClasses));
    }
    if (closing) run = dropped(progress, shortfallOf(classifyReply(closing.reply, { phase: 'rcpt' }), closing.reply), true);
    else if (failure ?? session.failure) run = dropped(progress, failureShortfall((failure ?? session.failure)!), false);
  }

  if (!run && !capabilities.smtputf8 && ctx.pending.some((p) => p.smtputf8)) {
    run = { kind: 'refused', shortfall: { outcome: 'rejected', reason: 'smtputf8_unsupported' }, backOff: false, smtputf8Missing: true };
  }
  const welcome = !deps.providers.blockOf(target.host);
  if (!run && welcome && deps.sessionIdleMs > 0 && deps.notes.sharesSessions(target.address) && session.failure === undefined && !ctx.signal.aborted && rejected < budget() && !spent) {
    // Done with this domain and still in good standing: the next task to this server may carry on.
    count(ctx, session, before);
    open.rejected = rejected;
    open.judged = judged;
    session.adopt({ transcript: new Transcript(() => deps.clock.now(), deps.clock.now()) });
    deps.limiter.park(target.address, open, release, deps.sessionIdleMs, () => void session.quit(deps.timeouts.commandMs).finally(release));
  } else {
    const closed = session.quit(deps.timeouts.commandMs);
    count(ctx, session, before);
    void closed.finally(release);
  }
  return run ?? { kind: 'ended', progress };
}

/** A session between tasks: what its opening learnt, and the refusals it has seen so far. */
class OpenSmtp {
  constructor(
    readonly session: SmtpSession,
    readonly capabilities: Capabilities,
    readonly tls: boolean,
    /** Connect, banner and EHLO lines, the evidence every address's transcript starts with. */
    readonly prelude: TranscriptLine[],
    public rejected = 0,
    public judged = 0,
  ) {}
}

const FRESH = { commands: 0, roundTrips: 0 };

/**
 * Every RCPT of the domain's first transaction in a session another domain opened was refused
 * as a foreign domain (see refusesForeignDomain): the server binds a session to its first domain.
 */
function refusesThisDomain(batch: readonly ProbeAddress[], rcpts: readonly { reply: SmtpReply }[]): boolean {
  if (batch.length === 0 || rcpts.length < batch.length) return false;
  return rcpts.every(({ reply }, i) => refusesForeignDomain(reply, batch[i]!.address));
}

/**
 * Where, in a transaction's RCPT replies, the server turned on us for the rest of the session: a
 * block of us that names neither our IP nor our HELO, repeated for every RCPT after it, in a
 * session that had refusals and whose RCPTs the server had answered on their own account before.
 * qmail's chkuser does so once a session passes its limit of unknown recipients ("571 sorry, you
 * are violating our security policies"), live mailboxes included. A server that blocks us from the
 * first RCPT did not turn; a block of one recipient (a list closed to outsiders) is not repeated
 * for the next. A session parked by earlier tasks carries their count: when this task's first
 * RCPTs are all blocked there, one alone included, a fresh session tells a turn from a block (a
 * single check in a session that several checks shared would otherwise take the turn for its
 * answer). `refused`: the session's refusals before the turn.
 */
function turnedOnUs(classes: readonly ReplyClass[], before: { refused: number; judged: number; inherited: boolean }): { at: number; refused: number } | undefined {
  let { refused, judged } = before;
  for (const [at, c] of classes.entries()) {
    const rest = classes.slice(at + 1);
    const repeated = rest.length > 0 || (at === 0 && before.inherited);
    if (refused > 0 && judged > 0 && blocksUs(c) && repeated && rest.every(blocksUs)) return { at, refused };
    if (c.outcome !== 'accepted') refused++;
    if (!blocksUs(c)) judged++;
  }
  return undefined;
}

/** A refusal of us (not of our IP or HELO name, which end the session anyway). */
function blocksUs(c: ReplyClass): boolean {
  return c.blocked && c.outcome === 'error' && !c.namesOurIp && !c.helo;
}

/**
 * With PIPELINING: the transaction's head, its RCPTs and the first catch-all probe in one write.
 * The other probes follow in one more write only when the first was not refused as a mailbox
 * (one refusal settles "not catch-all"): accepted, greylisted, ambiguous or blocked, the question
 * stays open, as when all three went at once. A closing or "too many recipients" reply ends
 * probing here, as it would there.
 */
async function pipelined(session: SmtpSession, head: string[], rcpts: string[], probes: string[], sender: string, replyTimeoutMs: number): Promise<PipelineResult> {
  const [firstProbe, ...others] = probes;
  const commands = [...head, ...rcpts, ...(firstProbe ? [rcptToCommand(firstProbe)] : [])];
  const sent = await session.pipeline(commands, replyTimeoutMs);
  const last = sent.exchanges.length === commands.length ? sent.exchanges.at(-1)!.reply : undefined;
  const open = sent.exchanges.slice(0, head.length).every((ex) => ex.reply.code === 250) && !sent.failure && !session.outOfStep();
  if (!firstProbe || others.length === 0 || !last || !open) return sent;
  const cls = classifyReply(last, { phase: 'rcpt', recipient: firstProbe, sender });
  if (cls.outcome === 'rejected' || cls.recipientLimit || last.code === 421) return sent;
  const more = await session.pipeline(others.map(rcptToCommand), replyTimeoutMs);
  return { exchanges: [...sent.exchanges, ...more.exchanges], ...(more.failure ? { failure: more.failure } : {}) };
}

/** Without PIPELINING: one command at a time, stopping where the server said no. */
async function stepByStep(session: SmtpSession, commands: string[], headCount: number, probesFrom: number, replyTimeoutMs: number): Promise<PipelineResult> {
  const out: PipelineResult = { exchanges: [] };
  for (const [i, command] of commands.entries()) {
    const got = await session.send(command, replyTimeoutMs);
    if (!got.ok) return { ...out, failure: got.failure };
    out.exchanges.push({ command, reply: got.reply, lines: got.lines });
    const refusedHead = i < headCount && got.reply.code !== 250;
    const refusedProbe = i >= probesFrom && got.reply.code >= 500;
    if (refusedHead || refusedProbe || got.reply.code === 421) break;
  }
  return out;
}

export function heloDetail(heloName: string): string {
  return `The server refused our HELO name ${JSON.stringify(heloName)}: set BZ_HELO_NAME to a fully-qualified name that resolves to this prober's address.`;
}

function checkOf(cls: ReplyClass, reply: SmtpReply): Omit<SmtpCheck, 'transcript'> {
  return { outcome: cls.outcome, reason: cls.reason, reply, ...extrasOf(cls) };
}

function shortfallOf(cls: ReplyClass, reply: SmtpReply): Shortfall {
  const outcome = cls.outcome === 'accepted' || cls.outcome === 'rejected' ? 'error' : cls.outcome;
  return { outcome, reason: cls.reason, reply, ...extrasOf(cls) };
}

function extrasOf(cls: ReplyClass): Pick<SmtpCheck, 'retry_after_s' | 'cause'> {
  return { ...(cls.retry_after_s === undefined ? {} : { retry_after_s: cls.retry_after_s }), ...(cls.cause ? { cause: cls.cause } : {}) };
}

function failureShortfall(failure: SessionFailure): Shortfall {
  return { outcome: 'error', reason: sessionFailureReason(failure) };
}

function dropped(progress: number, shortfall: Shortfall, backOff: boolean): SessionRun {
  return { kind: 'ended', progress, drop: { shortfall, backOff } };
}

function anyAccepted(ctx: TaskContext): boolean {
  for (const check of ctx.answers.values()) if (check.outcome === 'accepted') return true;
  return false;
}

/** A recipient of the task other than postmaster@ was accepted: the server takes more than the control from us. */
function acceptedBeyondControl(ctx: TaskContext): boolean {
  return ctx.task.addresses.some((a) => ctx.answers.get(a.id)?.outcome === 'accepted' && !isControlAddress(a.address, ctx.task.domain));
}

function addressTranscript(prelude: TranscriptLine[], mail: TranscriptLine[], rcpt: TranscriptLine[]): TranscriptLine[] {
  return [...prelude, ...mail, ...rcpt].slice(-MAX_ADDRESS_TRANSCRIPT);
}

/** This task's share of the session: a connection only if it opened it. */
function count(ctx: TaskContext, session: SmtpSession, before: { commands: number; roundTrips: number }): void {
  if (before === FRESH) ctx.stats.connections++;
  ctx.stats.commands += session.commands - before.commands;
  ctx.stats.round_trips += session.roundTrips - before.roundTrips;
}
