import type { CatchAllCheck, ReasonCode, SmtpCheck } from '../../protocol/index.ts';
import type { RunnerOptions } from './runner-options.ts';

/** Answers that say "not now" rather than anything about the mailbox: worth asking again later. */
const RETRIABLE: ReadonlySet<ReasonCode> = new Set<ReasonCode>(['greylisted', 'temporary_failure', 'server_closing', 'smtp_timeout', 'deadline_exceeded']);

export function isRetriable(smtp: Pick<SmtpCheck, 'outcome' | 'reason'>): boolean {
  return RETRIABLE.has(smtp.reason) || (smtp.outcome === 'temporary' && smtp.reason !== 'mailbox_full');
}

/** An accepted address whose catch-all probes were greylisted: asked again, with the same probe names, to close the check. */
export function awaitsCatchAll(smtp: Pick<SmtpCheck, 'outcome'>, catchAll: CatchAllCheck | undefined): boolean {
  return smtp.outcome === 'accepted' && catchAll?.status === 'unknown' && catchAll.open === true;
}

/** The server's hinted delay (retry_after_s), else the default, kept within the configured bounds. */
export function retryDelayMs(hintS: number | undefined, options: RunnerOptions): number {
  const wanted = hintS === undefined ? options.retryDelayMs : hintS * 1000;
  return Math.min(options.maxRetryDelayMs, Math.max(options.minRetryDelayMs, wanted));
}
