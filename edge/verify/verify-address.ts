import type { SyntaxCheck, VerificationResult } from '../../protocol/index.ts';
import { resultFromSyntax } from './assemble-result.ts';
import { startDeadline } from './deadline.ts';
import { assemble, remember, runDomainPipeline, type PipelineDeps, type StageOutcome } from './domain-pipeline.ts';

export type { VerifyObserver } from './domain-pipeline.ts';

export interface VerifyDeps extends PipelineDeps {
  checkSyntax: (input: string) => SyntaxCheck;
  /** The whole check's budget: past it the answer is unknown / deadline_exceeded. */
  deadlineMs: number;
}

export interface VerifyOptions {
  /** Skip the result cache (and ask DNS and the prober to skip theirs). */
  fresh?: boolean;
}

/**
 * One address: syntax, then the domain pipeline with a domain of one address (cache → DNS plan →
 * probe), then the scoring pass and the cache write. Never throws for an outcome of the address.
 */
export async function verifyAddress(deps: VerifyDeps, email: string, options: VerifyOptions = {}): Promise<VerificationResult> {
  const { clock } = deps;
  const syntax = deps.checkSyntax(email);
  if (!syntax.valid || syntax.domain === null || syntax.normalized === null) {
    return resultFromSyntax(email, syntax, clock.now());
  }
  const item = { id: 'a0', email, syntax: { ...syntax, normalized: syntax.normalized } };
  const budget = startDeadline(clock, deps.deadlineMs);
  let ended: StageOutcome | undefined;
  try {
    await runDomainPipeline(deps, syntax.domain, [item], {
      fresh: options.fresh ?? false,
      signal: budget.signal,
      deadline: budget,
      taskSize: 1,
      taskDeadlineMs: () => proberBudget(budget.remaining()),
      onAnswers: async ([answer]) => void (ended = answer?.outcome),
    });
  } finally {
    budget.done();
  }
  if (!ended) throw new Error('verifyAddress: the pipeline left the address without an answer');
  const result = await assemble(deps, item, ended, clock.now());
  if (ended.stage !== 'cache') await remember(deps, [result], clock.now());
  return result;
}

/**
 * The prober gets a little less than what is left, so a slow server still yields its partial
 * answer (smtp_timeout with the replies so far) before the edge gives up on the whole check.
 */
function proberBudget(remainingMs: number): number {
  return Math.max(1, remainingMs - Math.min(1000, remainingMs / 10));
}
