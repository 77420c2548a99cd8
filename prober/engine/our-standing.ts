import type { SmtpReply } from '../../protocol/index.ts';
import { classifyReply } from '../smtp/classify-reply.ts';
import type { Shortfall, Target, TaskContext } from './task-context.ts';

/**
 * What a refusal says about us rather than the address, remembered beyond the task:
 * - a 421 or a 5xx that names our IP (a blocklist, our reputation, an unusual rate from our
 *   address), from any MX host: the provider's other hosts share that verdict, so all of them
 *   are backed off (prober/pool/provider-backoff.ts). A 4xx short of 421 is left to greylisting
 *   and the host's own back-off.
 * - a refusal of our HELO name (its text says so, or EHLO and HELO were both refused with a
 *   5xx: `heloStage`), kept for `prober doctor`.
 */
export function noteRefusal(ctx: TaskContext, target: Target, reply: SmtpReply | undefined, heloStage = false): void {
  if (!reply || reply.code < 400) return;
  // The flags are read from the text alone, whatever the phase.
  const cls = classifyReply(reply, { phase: 'banner' });
  if (cls.helo || (heloStage && reply.code >= 500)) ctx.deps.heloRefusals.seen(target.host, reply);
  if (!cls.namesOurIp || (reply.code !== 421 && reply.code < 500)) return;
  const started = ctx.deps.providers.refused(target.host, reply);
  if (!started) return;
  const before = ctx.stats.provider_backoffs ?? [];
  if (!before.includes(started.provider)) ctx.stats.provider_backoffs = [...before, started.provider].slice(0, 16);
}

/** The back-offs in effect for the providers of this task's MX hosts, for the edge's routing (ProbeStats.held_off). */
export function heldOff(ctx: TaskContext): void {
  const now = ctx.deps.clock.now();
  const held = new Map<string, number>();
  for (const { host } of ctx.task.plan.hosts) {
    const block = ctx.deps.providers.blockOf(host);
    if (block) held.set(block.provider, Math.ceil((block.until - now) / 1000));
  }
  if (held.size > 0) ctx.stats.held_off = [...held].slice(0, 16).map(([provider, for_s]) => ({ provider, for_s }));
}

/** While `target`'s provider is backed off: why its addresses stay unasked, for the edge to retry when the back-off ends. */
export function providerHeld(ctx: TaskContext, target: Target): Shortfall | undefined {
  const block = ctx.deps.providers.blockOf(target.host);
  if (!block) return undefined;
  const now = ctx.deps.clock.now();
  ctx.stats.backed_off = ctx.pending.length;
  const why = block.refusal
    ? `${block.refusal.host} refused our IP ("${`${block.refusal.reply.code} ${block.refusal.reply.lines.join(' ')}`.slice(0, 120)}")`
    : 'one of its MX hosts refused our IP before this prober restarted (kept by the edge)';
  return {
    outcome: 'temporary',
    reason: 'blocked_by_server',
    cause: 'blocked',
    retry_after_s: Math.ceil((block.until - now) / 1000),
    detail: `Every MX of ${block.provider} is backed off until ${new Date(block.until).toISOString()}: ${why}.`.slice(0, 300),
  };
}
