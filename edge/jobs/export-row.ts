import { reasonWords, VerificationResult } from '../../protocol/index.ts';
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

/**
 * The result columns of one row. A row its job was cancelled before reaching says `cancelled`
 * (verdict and reason) instead of looking like one still being worked on.
 */
export function exportFields(item: StoredItem, jobCancelled: boolean, packing: ResultPacking): ExportFields {
  const result = item.result_json === null ? null : VerificationResult.safeParse(packing.unpack(item.result_json));
  const checks = result?.success ? result.data.checks : null;
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
  };
}
