import type { SmtpCheck, SyntaxCheck, VerificationResult } from '../../protocol/index.ts';
import { assembleResult } from '../verify/assemble-result.ts';
import { assemble, remember, runDomainPipeline, type Answer, type PipelineDeps, type PipelineItem } from '../verify/domain-pipeline.ts';
import type { ClaimedItem } from './claim-statement.ts';
import type { ClaimRef, ItemClaims } from './item-claims.ts';
import { awaitsCatchAll, isRetriable, retryDelayMs } from './retry-policy.ts';
import type { RunnerOptions } from './runner-options.ts';

export interface DomainWorkDeps extends PipelineDeps {
  claims: ItemClaims;
  checkSyntax: (input: string) => SyntaxCheck;
  options: RunnerOptions;
}

/** A "not now" answer for one item, kept whole so the final result can show it if the budget runs out. */
interface TemporaryAnswer {
  answer: Answer;
  smtp: SmtpCheck;
}

/**
 * One domain's claimed items through the same pipeline as a single verify, in ProbeTasks of
 * `taskSize` addresses; what is temporary (greylisting, a DoH outage, a lost task) is asked
 * again later, within the retry budget. Every answer is applied with its claim's guard.
 */
export async function runDomainWork(deps: DomainWorkDeps, domain: string, items: ClaimedItem[], signal: AbortSignal): Promise<void> {
  const claimed = new Map(items.map((item) => [probeId(item), item]));
  const work: PipelineItem[] = items.map((item) => {
    const syntax = deps.checkSyntax(item.email);
    return { id: probeId(item), email: item.email, syntax: { ...syntax, normalized: syntax.normalized ?? item.email } };
  });
  await runDomainPipeline(deps, domain, work, {
    signal,
    taskSize: deps.options.taskSize,
    taskDeadlineMs: () => deps.options.taskDeadlineMs,
    onAnswers: (answers) => settle(deps, claimed, answers),
  });
}

async function settle(deps: DomainWorkDeps, claimed: Map<string, ClaimedItem>, answers: Answer[]): Promise<void> {
  const itemOf = (a: Answer) => claimed.get(a.item.id)!;
  const done: { answer: Answer; result: VerificationResult; fromCache?: boolean }[] = [];
  const retry: TemporaryAnswer[] = [];
  const wait: Answer[] = [];
  for (const answer of answers) {
    const { outcome } = answer;
    if (outcome.stage === 'dns' && outcome.plan.rule === 'dns_error') {
      // Every DoH endpoint failing says nothing about the domain: ask again later, like a 4xx.
      if (itemOf(answer).retries < deps.options.retryBudget) retry.push({ answer, smtp: { outcome: 'error', reason: 'dns_error' } });
      else done.push({ answer, result: await assemble(deps, answer.item, outcome, deps.clock.now()) });
    } else if (outcome.stage === 'dispatch' && outcome.reason !== 'deadline_exceeded' && outcome.reason !== 'internal_error') {
      // No prober (or none that can reach port 25): the items wait for one, spending no retry.
      wait.push(answer);
    } else if (outcome.stage === 'dispatch') {
      retry.push({ answer, smtp: { outcome: 'error', reason: outcome.reason } });
    } else if (outcome.stage === 'smtp' && (isRetriable(outcome.probe.smtp) || awaitsCatchAll(outcome.probe.smtp, outcome.catchAll))) {
      retry.push({ answer, smtp: outcome.probe.smtp });
    } else {
      done.push({ answer, result: await assemble(deps, answer.item, outcome, deps.clock.now()), fromCache: outcome.stage === 'cache' });
    }
  }
  const now = deps.clock.now();
  if (wait.length) await deps.claims.postpone(wait.map((a) => ref(itemOf(a))), now + deps.options.pollMs, false);
  await finish(deps, itemOf, done);
  await retryOrGiveUp(deps, itemOf, retry);
}

/** A temporary answer: ask again at the hinted delay, or — budget spent — resolve with the last answer kept as evidence. */
async function retryOrGiveUp(deps: DomainWorkDeps, itemOf: (a: Answer) => ClaimedItem, retry: TemporaryAnswer[]): Promise<void> {
  const now = deps.clock.now();
  const exhausted = retry.filter((r) => itemOf(r.answer).retries >= deps.options.retryBudget);
  const byDelay = new Map<number, ClaimRef[]>();
  for (const r of retry.filter((r) => itemOf(r.answer).retries < deps.options.retryBudget)) {
    const delay = retryDelayMs(r.smtp.retry_after_s, deps.options);
    byDelay.set(delay, [...(byDelay.get(delay) ?? []), ref(itemOf(r.answer))]);
  }
  for (const [delay, refs] of byDelay) await deps.claims.postpone(refs, now + delay, true);
  await finish(deps, itemOf, exhausted.map(({ answer, smtp }) => {
    const { outcome, item } = answer;
    const probed = outcome.stage === 'smtp' ? { catchAll: outcome.catchAll, signals: outcome.probe.signals } : { signals: [] };
    const plan = outcome.stage === 'smtp' || outcome.stage === 'dispatch' ? outcome.plan : undefined;
    return {
      answer,
      result: assembleResult({ email: item.email, syntax: item.syntax, ...(plan ? { plan } : {}), smtp, ...probed, failure: 'retry_budget_exhausted', checkedAt: now }),
    };
  }));
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
