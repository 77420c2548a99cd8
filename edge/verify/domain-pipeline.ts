import type { CatchAllCheck, Clock, MxPlan, ProbeAddressResult, ProbeStats, Random, ReasonCode, SyntaxCheck, VerificationResult } from '../../protocol/index.ts';
import { cacheTtlSeconds, type ResultCache } from '../cache/result-cache.ts';
import type { Config } from '../config.ts';
import type { Dispatcher } from '../dispatch/dispatcher.ts';
import type { MxResolver } from '../dns/mx-resolver.ts';
import { planDecision } from '../scoring/score.ts';
import { assembleResult } from './assemble-result.ts';
import { buildProbeTasks } from './build-tasks.ts';
import { EXPIRED, type Deadline } from './deadline.ts';
import type { ProbeEvidence } from './probe-evidence.ts';

/** Told what the pipeline did, for /metrics; every method optional to implement. */
export interface VerifyObserver {
  cacheLookup?(hit: boolean): void;
  probed?(stats: ProbeStats): void;
}

/** The services every check runs on, single or bulk: built once by the composition root. */
export interface PipelineDeps extends ProbeEvidence {
  resolver: MxResolver;
  dispatcher: Dispatcher;
  cache: ResultCache;
  clock: Clock;
  random: Random;
  cacheTtl: Config['cacheTtl'];
  observer?: VerifyObserver;
}

/** One address of the domain: the caller's id for it (the probe echoes it) and its passed syntax check. */
export interface PipelineItem {
  id: string;
  email: string;
  syntax: SyntaxCheck & { normalized: string };
}

/** Where one address's check ended, as a value; `assemble` turns any of them into a result. */
export type StageOutcome =
  /** The result cache answered. */
  | { stage: 'cache'; result: VerificationResult }
  /** The MX plan decided on its own (nxdomain, null_mx …) or DNS could not be asked (dns_error). */
  | { stage: 'dns'; plan: MxPlan }
  /** The SMTP stage could not run or lost the answer (no_prober, deadline_exceeded, internal_error …). */
  | { stage: 'dispatch'; plan?: MxPlan; reason: ReasonCode }
  /** A prober answered for the address; `catchAll` is the task's per-domain answer. */
  | { stage: 'smtp'; plan: MxPlan; probe: ProbeAddressResult; catchAll: CatchAllCheck };

export interface Answer {
  item: PipelineItem;
  outcome: StageOutcome;
}

export interface PipelineOptions {
  /** Skip the result cache (and ask DNS and the prober to skip theirs). */
  fresh?: boolean;
  /** Aborts DNS and the probes (a stopping runner, the check's deadline). */
  signal?: AbortSignal;
  /** A single check's overall budget: past it the stage still running answers deadline_exceeded. */
  deadline?: Deadline;
  /** Addresses per ProbeTask. */
  taskSize: number;
  /** The prober's budget, read when a task is built. */
  taskDeadlineMs: () => number;
  /** Each group of answers as it is known (cache hits, the plan's verdict, one task's results). */
  onAnswers(answers: Answer[]): Promise<void>;
}

/**
 * One domain's addresses through the stages every check shares: result cache → MX plan →
 * ProbeTasks → dispatch. Each address ends with exactly one StageOutcome; what to do with a
 * temporary one (answer now, retry later) is the caller's.
 */
export async function runDomainPipeline(deps: PipelineDeps, domain: string, items: PipelineItem[], options: PipelineOptions): Promise<void> {
  const fresh = options.fresh ?? false;
  const toPlan: PipelineItem[] = [];
  const hits: Answer[] = [];
  const cached = fresh ? new Map() : await deps.cache.getMany(items.map((item) => item.syntax.normalized), deps.clock.now());
  for (const item of items) {
    const hit = cached.get(item.syntax.normalized) ?? null;
    if (!fresh) deps.observer?.cacheLookup?.(hit !== null);
    if (hit) hits.push({ item, outcome: { stage: 'cache', result: { ...hit.result, email: item.email, cached: true } } });
    else toPlan.push(item);
  }
  if (hits.length) await options.onAnswers(hits);
  if (toPlan.length === 0) return;

  const all = (outcome: StageOutcome) => options.onAnswers(toPlan.map((item) => ({ item, outcome })));
  const plan = await within(options.deadline, deps.resolver.plan(domain, { fresh, ...(options.signal ? { signal: options.signal } : {}) }));
  if (plan === EXPIRED) return all({ stage: 'dispatch', reason: 'deadline_exceeded' });
  if (plan.rule === 'dns_error' || planDecision(plan)) return all({ stage: 'dns', plan });
  if (deps.dispatcher.healthyCount() === 0) return all({ stage: 'dispatch', plan, reason: 'no_prober' });

  const tasks: Promise<void>[] = [];
  for (let i = 0; i < toPlan.length; i += options.taskSize) tasks.push(probe(deps, plan, toPlan.slice(i, i + options.taskSize), options));
  await Promise.all(tasks);
}

async function probe(deps: PipelineDeps, plan: MxPlan, items: PipelineItem[], options: PipelineOptions): Promise<void> {
  const tasks = buildProbeTasks(plan, items, { deadlineMs: options.taskDeadlineMs(), fresh: options.fresh ?? false }, deps.random);
  await Promise.all(tasks.map(async (task) => {
    const outcome = await within(options.deadline, deps.dispatcher.submit(task, options.signal ? { signal: options.signal } : {}));
    const mine = items.filter((item) => task.addresses.some((a) => a.id === item.id));
    if (outcome === EXPIRED || !outcome.ok) {
      const reason = outcome === EXPIRED ? 'deadline_exceeded' : outcome.reason;
      return options.onAnswers(mine.map((item) => ({ item, outcome: { stage: 'dispatch', plan, reason } })));
    }
    deps.observer?.probed?.(outcome.result.stats);
    const byId = new Map(outcome.result.results.map((r) => [r.id, r]));
    await options.onAnswers(mine.map((item): Answer => {
      const answer = byId.get(item.id);
      return { item, outcome: answer ? { stage: 'smtp', plan, probe: answer, catchAll: outcome.result.catch_all } : { stage: 'dispatch', plan, reason: 'internal_error' } };
    }));
  }));
}

function within<T>(deadline: Deadline | undefined, work: Promise<T>): Promise<T | typeof EXPIRED> {
  return deadline ? deadline.race(work) : work;
}

/**
 * The one scoring pass of an address: every stage's outcome as it was, the edge's own evidence
 * beside the prober's, and the learned probability as one more input to the rules.
 */
export async function assemble(deps: ProbeEvidence, item: PipelineItem, outcome: StageOutcome, checkedAt: number): Promise<VerificationResult> {
  const { email, syntax } = item;
  switch (outcome.stage) {
    case 'cache':
      return outcome.result;
    case 'dns':
      return assembleResult({ email, syntax, plan: outcome.plan, checkedAt });
    case 'dispatch':
      return assembleResult({ email, syntax, ...(outcome.plan ? { plan: outcome.plan } : {}), failure: outcome.reason, checkedAt });
    case 'smtp': {
      const extra = deps.enrich ? await deps.enrich(syntax.normalized) : [];
      const signals = [...outcome.probe.signals, ...extra];
      const { smtp, readings } = outcome.probe;
      const checks = { syntax, dns: outcome.plan, smtp, catch_all: outcome.catchAll, signals, ...(readings ? { readings } : {}) };
      const learned = deps.learned ? await deps.learned.estimate(checks) : null;
      return assembleResult({ email, syntax, plan: outcome.plan, smtp, catchAll: outcome.catchAll, ...(readings ? { readings } : {}), signals, learned, checkedAt });
    }
  }
}

/** The cache write: results worth keeping are kept for their verdict's TTL. */
export async function remember(deps: Pick<PipelineDeps, 'cache' | 'cacheTtl'>, results: VerificationResult[], now: number): Promise<void> {
  const kept = results.flatMap((result) => {
    const ttl = cacheTtlSeconds(result, deps.cacheTtl);
    return ttl > 0 ? [{ result, expiresAt: now + ttl * 1000 }] : [];
  });
  // The answers stand whether or not they could be stored; a failed write only costs a later probe.
  if (kept.length > 0) await deps.cache.putMany(kept).catch(() => undefined);
}
