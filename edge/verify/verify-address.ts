import type { Clock, ProbeStats, Random, SyntaxCheck, VerificationResult } from '../../protocol/index.ts';
import type { Config } from '../config.ts';
import type { MxResolver } from '../dns/mx-resolver.ts';
import type { Dispatcher } from '../dispatch/dispatcher.ts';
import { cacheTtlSeconds, type ResultCache } from '../cache/result-cache.ts';
import { planDecision } from '../scoring/score.ts';
import { resultFromFailure, resultFromPlan, resultFromSyntax } from './assemble-result.ts';
import { buildProbeTasks } from './build-tasks.ts';
import { EXPIRED, startDeadline } from './deadline.ts';
import { probedResult, type ProbeEvidence } from './probe-evidence.ts';

/** Told what the pipeline did, for /metrics; every method optional to implement. */
export interface VerifyObserver {
  cacheLookup?(hit: boolean): void;
  probed?(stats: ProbeStats): void;
}

export interface VerifyDeps extends ProbeEvidence {
  checkSyntax: (input: string) => SyntaxCheck;
  resolver: MxResolver;
  dispatcher: Dispatcher;
  cache: ResultCache;
  clock: Clock;
  random: Random;
  /** The whole check's budget: past it the answer is unknown / deadline_exceeded. */
  deadlineMs: number;
  cacheTtl: Config['cacheTtl'];
  observer?: VerifyObserver;
}

export interface VerifyOptions {
  /** Skip the result cache (and ask DNS and the prober to skip theirs). */
  fresh?: boolean;
}

const ITEM_ID = 'a0';

/**
 * One address through the five stages: syntax → result cache → DNS plan → one-address probe →
 * scoring → cache write. Never throws for an outcome of the address; every outcome is a result.
 */
export async function verifyAddress(deps: VerifyDeps, email: string, options: VerifyOptions = {}): Promise<VerificationResult> {
  const { clock } = deps;
  const fresh = options.fresh ?? false;
  const syntax = deps.checkSyntax(email);
  if (!syntax.valid || syntax.domain === null || syntax.normalized === null) {
    return resultFromSyntax(email, syntax, clock.now());
  }
  if (!fresh) {
    const hit = await deps.cache.get(syntax.normalized, clock.now());
    deps.observer?.cacheLookup?.(hit !== null);
    if (hit) return { ...hit.result, email, cached: true };
  }
  const budget = startDeadline(clock, deps.deadlineMs);
  try {
    const plan = await budget.race(deps.resolver.plan(syntax.domain, { fresh, signal: budget.signal }));
    if (plan === EXPIRED) return resultFromFailure(email, syntax, undefined, 'deadline_exceeded', clock.now());
    if (planDecision(plan)) return await remember(deps, resultFromPlan(email, syntax, plan, clock.now()));
    if (deps.dispatcher.healthyCount() === 0) return resultFromFailure(email, syntax, plan, 'no_prober', clock.now());

    const [task] = buildProbeTasks(plan, [{ id: ITEM_ID, syntax }], { deadlineMs: proberBudget(budget.remaining()), fresh }, deps.random);
    if (!task) throw new Error('verifyAddress: one valid address must make one task');
    const outcome = await budget.race(deps.dispatcher.submit(task, { signal: budget.signal }));
    if (outcome === EXPIRED) return resultFromFailure(email, syntax, plan, 'deadline_exceeded', clock.now());
    if (!outcome.ok) return resultFromFailure(email, syntax, plan, outcome.reason, clock.now());
    deps.observer?.probed?.(outcome.result.stats);
    const probe = outcome.result.results.find((r) => r.id === ITEM_ID);
    if (!probe) return resultFromFailure(email, syntax, plan, 'internal_error', clock.now());
    return await remember(deps, await probedResult(deps, email, { ...syntax, normalized: syntax.normalized }, plan, probe, outcome.result.catch_all, clock.now()));
  } finally {
    budget.done();
  }
}

/**
 * The prober gets a little less than what is left, so a slow server still yields its partial
 * answer (smtp_timeout with the replies so far) before the edge gives up on the whole check.
 */
function proberBudget(remainingMs: number): number {
  return Math.max(1, remainingMs - Math.min(1000, remainingMs / 10));
}

async function remember(deps: VerifyDeps, result: VerificationResult): Promise<VerificationResult> {
  const ttl = cacheTtlSeconds(result, deps.cacheTtl);
  if (ttl > 0) {
    // The answer is right whether or not it could be stored; a failed write only costs a later probe.
    await deps.cache.put(result, deps.clock.now() + ttl * 1000).catch(() => undefined);
  }
  return result;
}
