import type { ProbeResult, ProbeTask, TranscriptLine } from '../../protocol/index.ts';
import { isSafeCommand, rcptToCommand } from '../smtp/command-line.ts';
import { heldOff, noteRefusal, providerHeld } from './our-standing.ts';
import { heloDetail, runSession } from './session-run.ts';
import { answer, hasWork, type EngineDeps, type Shortfall, type Target, type TaskContext } from './task-context.ts';

/** Sessions on one MX address that made no progress before we try the next one. */
const MAX_FUTILE_SESSIONS = 2;
/** Turn-aways by a server that limits our sessions (at once or a minute; HostLimiter.turnedAway) a task waits out on it. */
const MAX_CROWDED_WAITS = 3;

/**
 * One task: MX addresses in plan order (failover on refusal, timeout, 421, bad banner), as many
 * sessions on each as it takes, and every address answered exactly once, within the deadline.
 */
export async function runTask(deps: EngineDeps, allowed: (address: string) => boolean, task: ProbeTask, outer?: AbortSignal): Promise<ProbeResult> {
  const startedAt = deps.clock.now();
  const deadline = new AbortController();
  const cancelTimer = deps.clock.setTimer(() => deadline.abort(new Error('deadline')), task.deadline_ms);
  const onOuter = () => deadline.abort(outer?.reason);
  if (outer?.aborted) onOuter();
  else outer?.addEventListener('abort', onOuter, { once: true });

  const ctx: TaskContext = {
    task, deps, startedAt, deadlineAt: startedAt + task.deadline_ms, signal: deadline.signal,
    pending: [...task.addresses], answers: new Map(), stats: { connections: 0, commands: 0, round_trips: 0 },
    catchAll: { status: 'unknown', cached: false }, probeNeeded: task.catch_all,
  };
  for (const item of task.addresses) {
    if (!isSafeCommand(rcptToCommand(item.address))) answer(ctx, item, { outcome: 'error', reason: 'control_characters' });
  }
  const notes: TranscriptLine[] = [];
  const shortfall = await tryTargets(ctx, allowed, notes);
  cancelTimer();
  outer?.removeEventListener('abort', onOuter);

  const final: Shortfall = ctx.signal.aborted ? { outcome: 'error', reason: 'deadline_exceeded' } : shortfall;
  for (const item of ctx.pending) answer(ctx, item, { ...final, transcript: notes.slice(-32) });
  heldOff(ctx);
  // Each answer stays what its server said; on a catch-all domain the scoring reads the accepted
  // RCPT beside `catch_all`, which is why the two travel apart.
  return {
    task_id: task.id,
    domain: task.domain,
    results: task.addresses.map((item) => ({ id: item.id, address: item.address, smtp: ctx.answers.get(item.id)!, signals: [] })),
    catch_all: ctx.catchAll,
    stats: ctx.stats,
  };
}

/** Returns why the addresses still pending got no answer. */
async function tryTargets(ctx: TaskContext, allowed: (address: string) => boolean, notes: TranscriptLine[]): Promise<Shortfall> {
  const { plan } = ctx.task;
  const inPlanOrder: Target[] = plan.hosts.flatMap((h) => h.addresses.map((address) => ({ host: h.host, address })));
  // A known tarpit waits behind every other MX: its banner timeout is not spent first again.
  const targets = [...inPlanOrder.filter((t) => !ctx.deps.notes.isTarpit(t.address)), ...inPlanOrder.filter((t) => ctx.deps.notes.isTarpit(t.address))];
  let shortfall: Shortfall = { outcome: 'error', reason: plan.reason ?? (plan.hosts.some((h) => h.refused.length > 0) ? 'mx_private_address' : 'smtp_unreachable') };
  const note = (text: string) => notes.push({ at_ms: ctx.deps.clock.now() - ctx.startedAt, dir: 'i', text: text.slice(0, 300) });
  let reachedAny = false;
  let relayDenied = 0;
  let smtputf8Missing = 0;

  for (const target of targets) {
    if (!hasWork(ctx) || ctx.signal.aborted) break;
    // Defence in depth: the plan was guarded when it was made, but it crossed a network since.
    if (!allowed(target.address)) {
      note(`${target.host} ${target.address}: refused by the private-address guard`);
      if (!reachedAny) shortfall = { outcome: 'error', reason: 'mx_private_address' };
      continue;
    }
    let futile = 0;
    let crowdedWaits = 0;
    let retriedInClear = false;
    while (hasWork(ctx) && !ctx.signal.aborted) {
      // The provider refused our IP (here or at another of its MX hosts): no connection until its back-off ends.
      const held = providerHeld(ctx, target);
      if (held) {
        note(`${target.host} ${target.address}: not dialed, ${held.detail}`);
        shortfall = held;
        break;
      }
      const slot = await ctx.deps.limiter.acquire(target.address, ctx.deadlineAt, ctx.signal);
      if (!slot.ok) {
        note(`${target.host} ${target.address}: no session slot before the deadline`);
        if (slot.reason === 'deadline') shortfall = { outcome: 'temporary', reason: 'temporary_failure' };
        break;
      }
      const run = await runSession(ctx, target, slot);
      if (run.kind === 'open_failed') noteRefusal(ctx, target, run.failure.reply, run.failure.stage === 'ehlo');
      else noteRefusal(ctx, target, run.kind === 'refused' ? run.shortfall.reply : run.drop?.shortfall.reply);
      if (run.kind === 'open_failed') {
        const { failure } = run;
        // One session too many, at once or in a minute, for a server that limits ours
        // (HostLimiter.turnedAway): wait our turn there rather than leave it. Asked before the
        // slot goes, so a task it wakes is not counted; a block of our IP (noteRefusal, above) is
        // no such limit.
        const crowded = failure.backOff && failure.stage === 'banner' && !ctx.deps.providers.blockOf(target.host) && ctx.deps.limiter.turnedAway(target.address);
        slot.release();
        notes.push(...run.transcript.slice(-16));
        note(`${target.host} ${target.address}: ${failure.stage} failed (${failure.reason})`);
        if (failure.stage === 'tls' && run.triedTls) {
          ctx.deps.notes.tlsFailed(target.address);
          if (!retriedInClear) {
            retriedInClear = true;
            continue;
          }
        }
        if (crowded) ctx.stats.turned_away = (ctx.stats.turned_away ?? 0) + 1;
        if (crowded && ++crowdedWaits <= MAX_CROWDED_WAITS) continue;
        if (failure.backOff) ctx.deps.limiter.backOff(target.address);
        if (failure.stage === 'banner' && failure.reason === 'smtp_timeout') ctx.deps.notes.tarpit(target.address);
        if (failure.stage !== 'connect' || !reachedAny) shortfall = shortfallOfOpen(failure, ctx.deps.heloName);
        if (failure.stage !== 'connect') reachedAny = true;
        break;
      }
      reachedAny = true;
      if (run.kind === 'refused') {
        if (run.backOff) ctx.deps.limiter.backOff(target.address);
        // No SMTPUTF8 here says nothing until every MX has said the same.
        if (run.smtputf8Missing) smtputf8Missing++;
        else shortfall = run.shortfall;
        if (run.relayDenied) relayDenied++;
        break;
      }
      if (!run.drop) {
        ctx.deps.limiter.recovered(target.address);
        if (run.progress === 0 && ++futile >= MAX_FUTILE_SESSIONS) break;
        continue;
      }
      note(`${target.host} ${target.address}: session dropped (${run.drop.shortfall.reason}) after ${run.progress} answers`);
      ctx.deps.notes.shrink(target.address);
      if (run.drop.backOff) ctx.deps.limiter.backOff(target.address);
      shortfall = run.drop.shortfall;
      if (run.progress === 0 && ++futile >= MAX_FUTILE_SESSIONS) break;
    }
  }
  // Every MX address of the domain refuses to take its mail, for anyone: nobody can deliver there.
  if (targets.length > 0 && smtputf8Missing === targets.length) return { outcome: 'rejected', reason: 'smtputf8_unsupported' };
  if (targets.length > 0 && relayDenied === targets.length) {
    const { cause: _blocked, ...rest } = shortfall;
    return { ...rest, outcome: 'rejected', reason: 'relay_denied' };
  }
  return shortfall;
}

function shortfallOfOpen(failure: { stage: string; reason: Shortfall['reason']; reply?: Shortfall['reply'] }, heloName: string): Shortfall {
  const temporary = failure.reply !== undefined && failure.reply.code >= 400 && failure.reply.code < 500;
  // A refusal of EHLO and HELO alike is a refusal of the name we gave.
  const helo = failure.stage === 'ehlo' && failure.reply !== undefined && failure.reply.code >= 500;
  return {
    outcome: temporary ? 'temporary' : 'error',
    reason: helo ? 'blocked_by_server' : failure.reason,
    ...(failure.reply ? { reply: failure.reply } : {}),
    ...(helo ? { detail: heloDetail(heloName), cause: 'blocked' as const } : {}),
  };
}
