import type { ReasonCode, SmtpCheck, SyntaxCheck, VerificationResult } from '../../protocol/index.ts';
import { assembleResult } from '../verify/assemble-result.ts';
import { assemble, remember, runDomainPipeline, type Answer, type PipelineDeps, type PipelineItem, type StageOutcome } from '../verify/domain-pipeline.ts';
import type { ClaimedItem } from './claim-statement.ts';
import type { ClaimRef, ItemClaims } from './item-claims.ts';
import { awaitsCatchAll, retryDecision, retryDecisionFor, type RetryDecision } from './retry-policy.ts';
import { taskSizeFor, type RunnerOptions } from './runner-options.ts';

export interface DomainWorkDeps extends PipelineDeps {
  claims: ItemClaims;
  checkSyntax: (input: string) => SyntaxCheck;
  options: RunnerOptions;
}

/** A "not now" answer that will not be asked again: the last check is kept as evidence of why. */
interface GivenUp {
  answer: Answer;
  smtp: SmtpCheck;
  failure: ReasonCode;
}

/**
 * One domain's claimed items through the same pipeline as a single verify, in ProbeTasks sized
 * to the job (taskSizeFor); what is temporary (greylisting, a busy or broken server, a DoH
 * outage, a lost task) is asked again or not as the retry policy says for its cause. Every
 * answer is applied with its claim's guard.
 */
export async function runDomainWork(deps: DomainWorkDeps, domain: string, items: ClaimedItem[], signal: AbortSignal): Promise<void> {
  const claimed = new Map(items.map((item) => [probeId(item), item]));
  const work: PipelineItem[] = items.map((item) => {
    const syntax = deps.checkSyntax(item.email);
    return { id: probeId(item), email: item.email, syntax: { ...syntax, normalized: syntax.normalized ?? item.email } };
  });
  await runDomainPipeline(deps, domain, work, {
    signal,
    taskSize: taskSizeFor(Math.min(...items.map((i) => i.job_rows)), deps.options),
    taskDeadlineMs: () => deps.options.taskDeadlineMs,
    onAnswers: (answers) => settle(deps, claimed, answers),
  });
}

async function settle(deps: DomainWorkDeps, claimed: Map<string, ClaimedItem>, answers: Answer[]): Promise<void> {
  const itemOf = (a: Answer) => claimed.get(a.item.id)!;
  const now = deps.clock.now();
  const done: { answer: Answer; result: VerificationResult; fromCache?: boolean }[] = [];
  const wait: Answer[] = [];
  const retry: { answer: Answer; decision: Extract<RetryDecision, { retry: true }> }[] = [];
  const givenUp: GivenUp[] = [];
  for (const answer of answers) {
    const { outcome } = answer;
    if (outcome.stage === 'dispatch' && outcome.reason !== 'deadline_exceeded' && outcome.reason !== 'internal_error') {
      // No prober (or none that can reach port 25): the items wait for one, spending no retry.
      wait.push(answer);
      continue;
    }
    const check = notNow(outcome);
    const byCause = check ? retryDecision(check, itemOf(answer), now, deps.options) : null;
    const decision = byCause?.cause ? byCause : otherRetry(outcome, itemOf(answer), now, deps.options);
    // The cause goes into the kept check, so a result that stays unknown says why it was not asked again.
    const withCause = check && decision?.cause ? { ...check, cause: decision.cause } : check;
    if (decision?.retry) retry.push({ answer, decision });
    else if (withCause && decision?.failure) givenUp.push({ answer, smtp: withCause, failure: decision.failure });
    else if (withCause && outcome.stage === 'dispatch') givenUp.push({ answer, smtp: withCause, failure: outcome.reason });
    else {
      const final: StageOutcome = outcome.stage === 'smtp' && withCause ? { ...outcome, probe: { ...outcome.probe, smtp: withCause } } : outcome;
      done.push({ answer, result: await assemble(deps, answer.item, final, now), fromCache: outcome.stage === 'cache' });
    }
  }
  if (wait.length) await deps.claims.postpone(wait.map((a) => ref(itemOf(a))), now + deps.options.pollMs);
  await finish(deps, itemOf, done);
  await retryLater(deps, retry.map((r) => ({ ref: ref(itemOf(r.answer)), decision: r.decision })));
  await finish(deps, itemOf, givenUp.map((g) => ({ answer: g.answer, result: gaveUp(g, now) })));
}

/**
 * A retry of what is no SMTP "not now": every DoH endpoint failing (says nothing about the
 * domain: asked again as of a busy server), and an accepted address whose catch-all probes were
 * greylisted (asked again as greylisted, after the probes' hint; when retries end, its risky answer stands).
 */
function otherRetry(outcome: StageOutcome, item: ClaimedItem, now: number, options: RunnerOptions): RetryDecision | null {
  if (outcome.stage === 'dns' && outcome.plan.rule === 'dns_error') return retryDecisionFor('busy', undefined, item, now, options);
  if (outcome.stage === 'smtp' && awaitsCatchAll(outcome.probe.smtp, outcome.catchAll)) {
    const decision = retryDecisionFor('greylisted', outcome.catchAll.retry_after_s, item, now, options);
    return decision.retry ? decision : null;
  }
  return null;
}

/** What was "not now" about an outcome, as an SMTP check; null for a final outcome. */
function notNow(outcome: StageOutcome): SmtpCheck | null {
  if (outcome.stage === 'smtp') return outcome.probe.smtp;
  if (outcome.stage === 'dispatch') return { outcome: 'error', reason: outcome.reason };
  return null;
}

/** Items the policy asks again about go back to wait, grouped by when they are due. */
async function retryLater(deps: DomainWorkDeps, decided: { ref: ClaimRef; decision: Extract<RetryDecision, { retry: true }> }[]): Promise<void> {
  const groups = new Map<string, { dueAt: number; retryUntil: number; refs: ClaimRef[] }>();
  for (const { ref, decision } of decided) {
    const key = `${decision.dueAt}/${decision.retryUntil}`;
    const group = groups.get(key) ?? { dueAt: decision.dueAt, retryUntil: decision.retryUntil, refs: [] };
    group.refs.push(ref);
    groups.set(key, group);
  }
  for (const { dueAt, retryUntil, refs } of groups.values()) await deps.claims.retryLater(refs, dueAt, retryUntil);
}

/** No more retries: unknown with why (budget, deadline, a lost task), the last check kept as evidence. */
function gaveUp({ answer, smtp, failure }: GivenUp, now: number): VerificationResult {
  const { outcome, item } = answer;
  const probed = outcome.stage === 'smtp' ? { catchAll: outcome.catchAll, signals: outcome.probe.signals } : { signals: [] };
  const plan = outcome.stage === 'smtp' || outcome.stage === 'dispatch' ? outcome.plan : undefined;
  return assembleResult({ email: item.email, syntax: item.syntax, ...(plan ? { plan } : {}), smtp, ...probed, failure, checkedAt: now });
}

async function finish(deps: DomainWorkDeps, itemOf: (a: Answer) => ClaimedItem, done: { answer: Answer; result: VerificationResult; fromCache?: boolean }[]): Promise<void> {
  if (done.length === 0) return;
  const now = deps.clock.now();
  await deps.claims.resolve(done.map(({ answer, result }) => ({ ref: ref(itemOf(answer)), result })), now);
  // A failed cache write only costs a later probe; the job's answer is already stored.
  await remember(deps, done.filter((d) => !d.fromCache).map((d) => d.result), now);
}

/** The probe id carries the claim's attempt, so an answer to an older claim can never match. */
function probeId(item: ClaimedItem): string {
  return `${item.id}.${item.attempt}`;
}

function ref(item: ClaimedItem): ClaimRef {
  return { id: item.id, attempt: item.attempt };
}
