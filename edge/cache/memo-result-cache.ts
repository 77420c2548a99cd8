import { LRUCache } from 'lru-cache';
import type { CachedResult, ResultCache } from './result-cache.ts';

export interface MemoOptions {
  maxEntries?: number;
  /**
   * How long an entry is served from memory before the store is asked again (default 60 s): an
   * erasure or a purge made elsewhere (`bouncezero forget`, another edge, the retention sweep)
   * holds here within that time.
   */
  maxAgeMs?: number;
  /**
   * The store's EdgeStore.dataVersion: when another connection committed (`bouncezero forget`, a
   * purge), the memo is dropped at once, so an erasure holds here at the next read. Without it
   * (PostgreSQL) `maxAgeMs` bounds the wait.
   */
  dataVersion?: () => number;
}

/**
 * An in-process layer over the stored cache: a hot address is answered without a query or a
 * JSON parse. Writes go through both, so `fresh` re-checks replace the memo at once; entries
 * keep the stored expiry, so the memo never serves what the store would not.
 */
export function memoResultCache(inner: ResultCache, options: MemoOptions = {}): ResultCache {
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  // `seenAt` is the caller's time of the first read (gets carry the time; puts do not).
  const memo = new LRUCache<string, CachedResult & { seenAt: number | null }>({ max: options.maxEntries ?? 10_000 });
  const remember = (normalized: string, entry: CachedResult, seenAt: number | null) => memo.set(normalized, { ...entry, seenAt });
  /** The memo's live entry, dropping one past its expiry or its time in memory. */
  const fresh = (normalized: string, now: number): CachedResult | null => {
    const hit = memo.get(normalized);
    if (hit && hit.seenAt === null) hit.seenAt = now;
    if (hit && hit.expiresAt > now && now - (hit.seenAt ?? now) < maxAgeMs) return { result: hit.result, expiresAt: hit.expiresAt };
    if (hit) memo.delete(normalized);
    return null;
  };
  let version = options.dataVersion?.();
  const dropIfChangedElsewhere = () => {
    const now = options.dataVersion?.();
    if (now === version) return;
    version = now;
    memo.clear();
  };
  const cache: ResultCache = {
    async get(normalized, now) {
      return (await cache.getMany([normalized], now)).get(normalized) ?? null;
    },
    async getMany(normalized, now) {
      dropIfChangedElsewhere();
      const found = new Map<string, CachedResult>();
      const missed: string[] = [];
      for (const n of normalized) {
        const hit = fresh(n, now);
        if (hit) found.set(n, hit);
        else missed.push(n);
      }
      if (missed.length === 0) return found;
      for (const [n, stored] of await inner.getMany(missed, now)) {
        remember(n, stored, now);
        found.set(n, stored);
      }
      return found;
    },
    async putMany(entries) {
      await inner.putMany(entries);
      for (const { result, expiresAt } of entries) if (result.normalized !== null) remember(result.normalized, { result, expiresAt }, null);
    },
    async forget(normalized) {
      for (const n of normalized) memo.delete(n);
      await inner.forget(normalized);
    },
  };
  return cache;
}
