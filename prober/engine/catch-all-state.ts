import type { TaskContext } from './task-context.ts';

/** A cached answer for this (domain, MX host) settles the task's catch-all question without probes. */
export function useCachedCatchAll(ctx: TaskContext, host: string): void {
  if (!ctx.probeNeeded || ctx.task.fresh) return;
  const cached = ctx.deps.catchAllCache.get(ctx.task.domain, host);
  if (!cached) return;
  ctx.probeNeeded = false;
  ctx.catchAll = { status: cached, cached: true, mx_host: host };
}

/**
 * Records what the probe (or the evidence of a rejected mailbox) showed; only definite answers are
 * cached. Greylisted probes leave the check open, with their hint, so a job asks again when the greylist said.
 */
export function settleCatchAll(ctx: TaskContext, host: string, status: 'yes' | 'no' | 'unknown', greylist?: { retry_after_s?: number }): void {
  ctx.probeNeeded = false;
  ctx.catchAll = { status, cached: false, mx_host: host, ...(status === 'unknown' && greylist ? { open: true, ...greylist } : {}) };
  if (status !== 'unknown') ctx.deps.catchAllCache.set(ctx.task.domain, host, status);
}
