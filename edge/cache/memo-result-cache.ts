import { LRUCache } from 'lru-cache';
import type { CachedResult, ResultCache } from './result-cache.ts';

/**
 * An in-process layer over the stored cache: a hot address is answered without a query or a
 * JSON parse. Writes go through both, so `fresh` re-checks replace the memo at once; entries
 * keep the stored expiry, so the memo never serves what the store would not.
 */
export function memoResultCache(inner: ResultCache, maxEntries = 10_000): ResultCache {
  const memo = new LRUCache<string, CachedResult>({ max: maxEntries });
  return {
    async get(normalized, now) {
      const hit = memo.get(normalized);
      if (hit && hit.expiresAt > now) return hit;
      if (hit) memo.delete(normalized);
      const stored = await inner.get(normalized, now);
      if (stored) memo.set(normalized, stored);
      return stored;
    },
    async put(result, expiresAt) {
      await inner.put(result, expiresAt);
      if (result.normalized !== null) memo.set(result.normalized, { result, expiresAt });
    },
  };
}
