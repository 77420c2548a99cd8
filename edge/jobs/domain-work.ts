import type { CatchAllCheck, Clock, MxPlan, ProbeTask, Random, Signal, SmtpCheck, SyntaxCheck, VerificationResult } from '../../protocol/index.ts';
import { cacheTtlSeconds, type ResultCache } from '../cache/result-cache.ts';
import type { Config } from '../config.ts';
import type { Dispatcher } from '../dispatch/dispatcher.ts';
import type { MxResolver } from '../dns/mx-resolver.ts';
import { planDecision } from '../scoring/score.ts';
import { assembleResult, resultFromPlan } from '../verify/assemble-result.ts';
import { buildProbeTasks } from '../verify/build-tasks.ts';
import { probedResult, type ProbeEvidence } from '../verify/probe-evidence.ts';
import type { VerifyObserver } from '../verify/verify-address.ts';
import type { ClaimedItem, ClaimRef, ItemClaims } from './item-claims.ts';
import { isRetriable, retryDelayMs } from './retry-policy.ts';
import type { RunnerOptions } from './runner-options.ts';

export interface DomainWorkDeps extends ProbeEvidence {
  claims: ItemClaims;
  resolver: MxResolver;
  dispatcher: Dispatcher;
  cache: ResultCache;
  clock: Clock;
  random: Random;
  checkSyntax: (input: string) => SyntaxCheck;
  cacheTtl: Config['cacheTtl'];
  options: RunnerOptions;
  /** Told of every probe's SMTP work, for /metrics (the same observer as POST /v1/verify's). */
  observer?: VerifyObserver;
}

interface Work {
  item: ClaimedItem;
  syntax: SyntaxCheck;
}

/** A "not now" answer for one item, kept whole so the final result can show it if the budget runs out. */
interface TemporaryAnswer {
  w: Work;
  smtp: SmtpCheck;
  catchAll?: CatchAllCheck;
  signals?: Signal[];
}

/**
 * One domain's claimed items, through the same stages and the same result assembly as a single
 * verify: the MX plan once for the domain, the result cache per address, then ProbeTasks of
 * `taskSize` addresses. Every answer is applied with its claim's guard.
 */
export async function runDomainWork(deps: DomainWorkDeps, domain: string, items: ClaimedItem[], signal: AbortSignal): Promise<void> {
  const work = items.map((item) => ({ item, syntax: deps.checkSyntax(item.email) }));
  const plan = await deps.resolver.plan(domain, { signal });
  if (plan.rule === 'dns_error') {
    // Every DoH endpoint failing says nothing about the domain: ask again later, like a 4xx.
    const now = deps.clock.now();
    const again = work.filter((w) => w.item.retries < deps.options.retryBudget);
    if (again.length) await deps.claims.postpone(again.map(ref), now + retryDelayMs(undefined, deps.options), true);
    await finish(deps, work.filter((w) => w.item.retries >= deps.options.retryBudget).map((w) => ({ w, result: resultFromPlan(w.item.email, w.syntax, plan, now) })));
    return;
  }
  if (planDecision(plan)) {
    const now = deps.clock.now();
    await finish(deps, work.map((w) => ({ w, result: resultFromPlan(w.item.email, w.syntax, plan, now) })));
    return;
  }
  const toProbe: Work[] = [];
  const hits: { w: Work; result: VerificationResult }[] = [];
  for (const w of work) {
    const hit = w.syntax.normalized ? await deps.cache.get(w.syntax.normalized, deps.clock.now()) : null;
    if (hit) hits.push({ w, result: { ...hit.result, email: w.item.email, cached: true } });
    else toProbe.push(w);
  }
  await finish(deps, hits, false);
  const tasks: Promise<void>[] = [];
  for (let i = 0; i < toProbe.length; i += deps.options.taskSize) tasks.push(runTask(deps, plan, toProbe.slice(i, i + deps.options.taskSize), signal));
  await Promise.all(tasks);
}

async function runTask(deps: DomainWorkDeps, plan: MxPlan, work: Work[], signal: AbortSignal): Promise<void> {
  const [task] = buildProbeTasks(
    plan,
    work.map((w) => ({ id: probeId(w.item), syntax: w.syntax })),
    { deadlineMs: deps.options.taskDeadlineMs },
    deps.random,
  ) as [ProbeTask];
  const outcome = await deps.dispatcher.submit(task, { signal });
  if (!outcome.ok && outcome.reason !== 'deadline_exceeded') {
    // No prober (or none that can reach port 25): the items wait for one, spending no retry.
    await deps.claims.postpone(work.map(ref), deps.clock.now() + deps.options.pollMs, false);
    return;
  }
  if (outcome.ok) deps.observer?.probed?.(outcome.result.stats);
  const done: { w: Work; result: VerificationResult }[] = [];
  const retry: TemporaryAnswer[] = [];
  for (const w of work) {
    const probe = outcome.ok ? outcome.result.results.find((r) => r.id === probeId(w.item)) : undefined;
    if (!outcome.ok || !probe) {
      retry.push({ w, smtp: { outcome: 'error', reason: outcome.ok ? 'internal_error' : 'deadline_exceeded' } });
    } else if (isRetriable(probe.smtp)) {
      retry.push({ w, smtp: probe.smtp, catchAll: outcome.result.catch_all, signals: probe.signals });
    } else {
      const syntax = { ...w.syntax, normalized: w.syntax.normalized ?? w.item.email };
      done.push({ w, result: await probedResult(deps, w.item.email, syntax, plan, probe, outcome.result.catch_all, deps.clock.now()) });
    }
  }
  await finish(deps, done);
  await retryOrGiveUp(deps, plan, retry);
}

/** A temporary answer: ask again at the hinted delay, or — budget spent — resolve with the last answer kept as evidence. */
async function retryOrGiveUp(deps: DomainWorkDeps, plan: MxPlan, retry: TemporaryAnswer[]): Promise<void> {
  const now = deps.clock.now();
  const exhausted = retry.filter((r) => r.w.item.retries >= deps.options.retryBudget);
  const again = retry.filter((r) => r.w.item.retries < deps.options.retryBudget);
  const byDelay = new Map<number, ClaimRef[]>();
  for (const r of again) {
    const delay = retryDelayMs(r.smtp.retry_after_s, deps.options);
    byDelay.set(delay, [...(byDelay.get(delay) ?? []), ref(r.w)]);
  }
  for (const [delay, refs] of byDelay) await deps.claims.postpone(refs, now + delay, true);
  await finish(
    deps,
    exhausted.map((r) => ({
      w: r.w,
      result: assembleResult({
        email: r.w.item.email,
        syntax: r.w.syntax,
        plan,
        smtp: r.smtp,
        ...(r.catchAll ? { catchAll: r.catchAll } : {}),
        signals: r.signals ?? [],
        failure: 'retry_budget_exhausted',
        checkedAt: now,
      }),
    })),
  );
}

async function finish(deps: DomainWorkDeps, done: { w: Work; result: VerificationResult }[], remember = true): Promise<void> {
  if (done.length === 0) return;
  const now = deps.clock.now();
  await deps.claims.resolve(done.map(({ w, result }) => ({ ref: ref(w), result })), now);
  if (!remember) return;
  for (const { result } of done) {
    const ttl = cacheTtlSeconds(result, deps.cacheTtl);
    // A failed cache write only costs a later probe; the job's answer is already stored.
    if (ttl > 0) await deps.cache.put(result, now + ttl * 1000).catch(() => undefined);
  }
}

/** The probe id carries the claim's attempt, so an answer to an older claim can never match. */
function probeId(item: ClaimedItem): string {
  return `${item.id}.${item.attempt}`;
}

function ref(w: Work): ClaimRef {
  return { id: w.item.id, attempt: w.item.attempt };
}
