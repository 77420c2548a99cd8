import type { ReasonCode, VerificationResult } from '../../protocol/index.ts';
import type { Config } from '../config.ts';

export interface CachedResult {
  result: VerificationResult;
  /** Clock time (ms) after which the entry is no longer served. */
  expiresAt: number;
}

/** What the verify pipeline needs from the result cache: per normalized address, with expiry. */
export interface ResultCache {
  /** The live entry for the address, or null (absent or expired). */
  get(normalized: string, now: number): Promise<CachedResult | null>;
  /** The live entries of these addresses (a domain's batch in one query); absent or expired ones are left out. */
  getMany(normalized: readonly string[], now: number): Promise<Map<string, CachedResult>>;
  /** Results in one write (a task's answers in one statement, not one commit each). */
  putMany(entries: readonly CachedResult[]): Promise<void>;
  /** Drops these addresses' entries (erasure, a deleted job): the next check probes afresh. */
  forget(normalized: readonly string[]): Promise<void>;
}

/**
 * Outcomes of our own machinery, not of the address: caching them would keep answering
 * "no prober" after one connects, so they are never stored.
 */
const NEVER_CACHED: ReadonlySet<ReasonCode> = new Set<ReasonCode>([
  'no_prober',
  'deadline_exceeded',
  'internal_error',
  'prober_port25_blocked',
  'dns_error',
]);

/** Seconds a result may be served from the cache; 0 means do not store it. */
export function cacheTtlSeconds(result: VerificationResult, ttl: Config['cacheTtl']): number {
  if (NEVER_CACHED.has(result.reason)) return 0;
  switch (result.verdict) {
    case 'deliverable':
    case 'undeliverable':
      return ttl.known;
    case 'risky':
      return ttl.risky;
    case 'unknown':
      return ttl.unknown;
  }
}
