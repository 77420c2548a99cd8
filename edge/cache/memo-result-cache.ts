import { LRUCache } from 'lru-cache';
import { systemClock, type Clock } from '../../protocol/index.ts';
import type { CachedResult, ResultCache } from './result-cache.ts';

export interface MemoOptions {
  maxEntries?: number;
  /**
   * How long an entry is served from memory before the store is asked again (default 60 s): an
   * erasure or a purge made elsewhere (`bouncezero forget`, another edge, the retention sweep)
   * holds here within that time.
   */
  maxAgeMs?: number;
  clock?: Clock;
}

/**
 * An in-process layer over the stored cache: a hot address is answered without a query or a
 * JSON parse. Writes go through both, so `fresh` re-checks replace the memo at once; entries
 * keep the stored expiry, so the memo never serves what the store would not.
 */
export function memoResultCache(inner: ResultCache, options: MemoOptions = {}): ResultCache {
  const clock = options.clock ?? systemClock;
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const memo = new LRUCache<string, CachedResult & { until: number }>({ max: options.maxEntries ?? 10_000 });
  const remember = (normalized: string, entry: CachedResult) => memo.set(normalized, { ...entry, until: Math.min(entry.expiresAt, clock.now() + maxAgeMs) });
  return {
    async get(normalized, now) {
      const hit = memo.get(normalized);
      if (hit && hit.until > now && hit.until > clock.now()) return { result: hit.result, expiresAt: hit.expiresAt };
      if (hit) memo.delete(normalized);
      const stored = await inner.get(normalized, now);
      if (stored) remember(normalized, stored);
      return stored;
    },
    async put(result, expiresAt) {
      await inner.put(result, expiresAt);
      if (result.normalized !== null) remember(result.normalized, { result, expiresAt });
    },
    async forget(normalized) {
      for (const n of normalized) memo.delete(n);
      await inner.forget(normalized);
    },
  };
}
