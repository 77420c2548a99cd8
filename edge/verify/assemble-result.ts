import type { SyntaxCheck, VerificationResult } from '../../protocol/index.ts';
import { score, type ScoreInput } from '../scoring/score.ts';

/**
 * The one place a VerificationResult is put together, so the single call and the bulk jobs
 * answer the same address the same way. Each helper names the stage that decided.
 */
export interface AssembleInput extends ScoreInput {
  /** The address exactly as the caller sent it. */
  email: string;
  /** Clock time (ms) the check finished. */
  checkedAt: number;
}

export function assembleResult(input: AssembleInput): VerificationResult {
  const judged = score(input);
  return {
    email: input.email,
    normalized: input.syntax.normalized,
    verdict: judged.verdict,
    reason: judged.reason,
    score: judged.score,
    reasons: judged.reasons,
    checks: {
      syntax: input.syntax,
      ...(input.plan ? { dns: input.plan } : {}),
      ...(input.smtp ? { smtp: input.smtp } : {}),
      ...(input.catchAll ? { catch_all: input.catchAll } : {}),
      signals: input.signals ?? [],
      ...(input.readings?.length ? { readings: input.readings } : {}),
    },
    cached: false,
    checked_at: new Date(input.checkedAt).toISOString(),
  };
}

/** Stage 1 decided (invalid), or only stage 1 was asked for. */
export function resultFromSyntax(email: string, syntax: SyntaxCheck, checkedAt: number): VerificationResult {
  return assembleResult({ email, syntax, checkedAt });
}
