import { reasonWords, type VerificationResult } from '../../protocol/index.ts';
import type { ResultPacking } from '../store/packed-result.ts';
import type { ItemState } from '../store/tables/jobs.ts';

/** Columns added after the input's own, in this order: the first four are the original export. */
export const RESULT_COLUMNS = [
  'normalized',
  'verdict',
  'reason',
  'score',
  'reason_text',
  'suggestion',
  'role',
  'disposable',
  'free_provider',
  'catch_all',
  'mx_host',
  'smtp_code',
  'smtp_enhanced_code',
  'state',
  'next_retry_at',
  'cause',
  'smtp_reply',
] as const;
export type ResultColumn = (typeof RESULT_COLUMNS)[number];
export type ExportFields = Record<ResultColumn, string | number | boolean | null>;

/** What the store holds for one row's address. */
export interface StoredItem {
  key: string;
  domain: string | null;
  verdict: string | null;
  reason: string | null;
  score: number | null;
  result_json: string | null;
  state: ItemState;
  /** When a waiting item is asked again (bigint columns may come back as strings). */
  due_at: number | string | null;
}

/** Where a row stands: answered, waiting for a retry, not answered yet (queued or being probed), or never reached (cancelled). */
export type RowState = 'done' | 'waiting_retry' | 'pending' | 'cancelled';

function rowState(state: ItemState, cancelled: boolean): RowState {
  if (state === 'done') return 'done';
  if (cancelled) return 'cancelled';
  return state === 'waiting' ? 'waiting_retry' : 'pending';
}

/** The whole result kept for a row; null while it is worked on, or when the stored text no longer reads. */
export function storedResult(item: Pick<StoredItem, 'result_json'>, packing: ResultPacking): VerificationResult | null {
  return item.result_json === null ? null : packing.unpack(item.result_json);
}

/**
 * The result columns of one row. A row its job was cancelled before reaching says `cancelled`
 * (verdict and reason) instead of looking like one still being worked on.
 */
export function exportFields(item: StoredItem, jobCancelled: boolean, result: VerificationResult | null): ExportFields {
  const checks = result?.checks ?? null;
  const cancelled = jobCancelled && item.verdict === null;
  const reason = cancelled ? 'cancelled' : item.reason;
  const smtp = checks?.smtp;
  return {
    normalized: item.domain === null ? null : item.key,
    verdict: cancelled ? 'cancelled' : item.verdict,
    reason,
    score: item.score,
    reason_text: reason === null ? null : reasonWords(reason),
    suggestion: checks?.syntax.suggestion ?? null,
    role: checks ? checks.syntax.flags.role : null,
    disposable: checks ? checks.syntax.flags.disposable : null,
    free_provider: checks ? checks.syntax.flags.free_provider : null,
    catch_all: checks?.catch_all?.status ?? null,
    mx_host: smtp?.mx_host ?? checks?.catch_all?.mx_host ?? checks?.dns?.hosts[0]?.host ?? null,
    smtp_code: smtp?.reply?.code ?? null,
    smtp_enhanced_code: smtp?.reply?.enhanced ?? null,
    state: rowState(item.state, cancelled),
    next_retry_at: !cancelled && item.state === 'waiting' && item.due_at !== null ? new Date(Number(item.due_at)).toISOString() : null,
    // Why the last answer was "not now" (retry-cause.ts): an unknown row says what kept it unknown.
    cause: smtp?.cause ?? null,
    // The server's own words, for the row someone disputes ("that address is real").
    smtp_reply: smtp?.reply ? smtp.reply.lines.join(' ') : null,
  };
}
