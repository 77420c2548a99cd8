import { growingDelayMs, temporaryCauseOf, type CatchAllCheck, type ReasonCode, type SmtpCheck, type TemporaryCause } from '../../protocol/index.ts';
import type { RunnerOptions } from './runner-options.ts';

/** What the policy does with one cause of "not now". */
export interface CauseRule {
  /** Retries an item may have had (of any cause) and still get one for this cause. */
  retries(options: RunnerOptions): number;
  /** The wait before the next retry, given the retries spent so far and the server's hint. */
  delayMs(spent: number, hintS: number | undefined, options: RunnerOptions): number;
  /**
   * Greylisting and busy servers keep answering "try later": when retries end the item says so
   * (retry_budget_exhausted, retry_deadline). A broken or unreachable server's own reason
   * (smtp_timeout, smtp_unreachable …) is the more useful answer, so it is kept.
   */
  keepsOwnReason: boolean;
  /** Only a 4xx "not now" is asked again; a 5xx with this cause is a refusal that waiting does not change. */
  temporaryOnly: boolean;
}

/**
 * The retry policy, one row per cause (protocol/smtp.ts TemporaryCause), the only place a job
 * decides whether and when to ask again. An answer with no cause cannot change by waiting: it is
 * final at once.
 */
export const RETRY_POLICY: Readonly<Record<TemporaryCause, CauseRule>> = {
  // The server asked for a delay: wait what it hinted (bounded), else the default.
  greylisted: {
    retries: (o) => o.retryBudget,
    delayMs: (_spent, hintS, o) => Math.min(o.maxRetryDelayMs, Math.max(o.minRetryDelayMs, hintS === undefined ? o.retryDelayMs : hintS * 1000)),
    keepsOwnReason: false,
    temporaryOnly: false,
  },
  // 421, rate limits, too many connections: stay away longer each time, as the prober's host back-off does.
  busy: { retries: (o) => o.retryBudget, delayMs: busyDelayMs, keepsOwnReason: false, temporaryOnly: false },
  // Our address or name refused "for now" (4xx): the same growing back-off; a 5xx block is final.
  blocked: { retries: (o) => o.retryBudget, delayMs: busyDelayMs, keepsOwnReason: true, temporaryOnly: true },
  // Tarpit, timeout, reset, garbage, TLS failing: one more look soon, in case it was a passing fault.
  broken: { retries: (o) => o.brokenRetries, delayMs: (_spent, _hint, o) => o.brokenRetryDelayMs, keepsOwnReason: true, temporaryOnly: false },
  // Every MX address refused the connection: the same single look.
  unreachable: { retries: (o) => o.brokenRetries, delayMs: (_spent, _hint, o) => o.brokenRetryDelayMs, keepsOwnReason: true, temporaryOnly: false },
};

function busyDelayMs(spent: number, hintS: number | undefined, o: RunnerOptions): number {
  return Math.min(o.busyRetryMaxMs, Math.max(growingDelayMs(spent, { baseMs: o.busyRetryBaseMs, maxMs: o.busyRetryMaxMs }), (hintS ?? 0) * 1000));
}

/** An accepted address whose catch-all probes were greylisted: asked again, with the same probe names, to close the check. */
export function awaitsCatchAll(smtp: Pick<SmtpCheck, 'outcome'>, catchAll: CatchAllCheck | undefined): boolean {
  return smtp.outcome === 'accepted' && catchAll?.status === 'unknown' && catchAll.open === true;
}

/** Where an item stands on retries: how many it spent, and the cut-off set at its first temporary answer. */
export interface RetryState {
  retries: number;
  retry_until: number | null;
  /** The job's ?max_wait; null for the runner's default. */
  max_wait_ms: number | null;
}

export type RetryDecision =
  | { retry: true; cause: TemporaryCause; dueAt: number; retryUntil: number }
  /** `failure` is the reason to resolve with; null means the answer's own reason stands. */
  | { retry: false; cause: TemporaryCause | null; failure: ReasonCode | null };

/** Whether and when to ask again about an answer, by its cause. */
export function retryDecision(check: Pick<SmtpCheck, 'outcome' | 'reason' | 'reply' | 'cause' | 'retry_after_s'>, item: RetryState, now: number, options: RunnerOptions): RetryDecision {
  const cause = temporaryCauseOf(check);
  if (cause && RETRY_POLICY[cause].temporaryOnly && check.outcome !== 'temporary') return { retry: false, cause, failure: null };
  return retryDecisionFor(cause, check.retry_after_s, item, now, options);
}

/** The same, for a cause known without a check (DNS failing is retried as busy). */
export function retryDecisionFor(cause: TemporaryCause | null, hintS: number | undefined, item: RetryState, now: number, options: RunnerOptions): RetryDecision {
  if (cause === null) return { retry: false, cause, failure: null };
  const rule = RETRY_POLICY[cause];
  if (item.retries >= rule.retries(options)) return { retry: false, cause, failure: rule.keepsOwnReason ? null : 'retry_budget_exhausted' };
  const retryUntil = item.retry_until ?? now + (item.max_wait_ms ?? options.maxWaitMs);
  const dueAt = now + rule.delayMs(item.retries, hintS, options);
  // A retry that could only come after the deadline is not made: waiting for it would spend time for nothing.
  if (dueAt > retryUntil) return { retry: false, cause, failure: rule.keepsOwnReason ? null : 'retry_deadline' };
  return { retry: true, cause, dueAt, retryUntil };
}
