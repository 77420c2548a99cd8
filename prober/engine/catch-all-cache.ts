import type { Clock } from '../../protocol/index.ts';
import { LRUCache } from 'lru-cache';

export type CatchAllAnswer = 'yes' | 'no';

export interface CatchAllCacheOptions {
  clock: Clock;
  ttlMs: number;
  maxEntries: number;
}

export const DEFAULT_CATCH_ALL_TTL_MS = 24 * 60 * 60_000;

/**
 * Catch-all answers per (domain, MX host), so the probe costs once per domain and not per
 * address. Only definite answers are kept: "unknown" (a 4xx to a probe) is asked again.
 */
export class CatchAllCache {
  private readonly entries: LRUCache<string, { answer: CatchAllAnswer; expires: number }>;

  constructor(private readonly options: CatchAllCacheOptions) {
    this.entries = new LRUCache({ max: options.maxEntries });
  }

  get(domain: string, host: string): CatchAllAnswer | undefined {
    const key = keyOf(domain, host);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires > this.options.clock.now()) return entry.answer;
    this.entries.delete(key);
    return undefined;
  }

  set(domain: string, host: string, answer: CatchAllAnswer): void {
    this.entries.set(keyOf(domain, host), { answer, expires: this.options.clock.now() + this.options.ttlMs });
  }
}

const keyOf = (domain: string, host: string) => `${domain.toLowerCase()}\u0000${host.toLowerCase().replace(/\.$/, '')}`;
