import { z } from 'zod';
import { DnsRecord, type Clock } from '../../protocol/index.ts';
import type { DnsAnswer, Question } from './dns-message.ts';
import { LRUCache } from 'lru-cache';
import { batchedWrites } from '../store/batched-writes.ts';

/** What the DNS cache needs from the store; edge/dns/dns-cache-store.ts implements it on kysely. */
export interface DnsCacheStore {
  get(key: string): Promise<{ value: string; expiresAt: number } | null>;
  /** Writes answers, replacing older ones; of a key given twice the last is kept. */
  putMany(entries: readonly { key: string; value: string; expiresAt: number }[]): Promise<void>;
  /** Deletes rows that expired before now; returns how many. */
  purgeExpired(now: number): Promise<number>;
}

/** Seconds. Positive answers live min(TTL) clamped to [minTtl, maxTtl]; negative ones their RFC 2308 TTL clamped likewise. */
export interface TtlBounds {
  minTtl: number;
  maxTtl: number;
  minNegativeTtl: number;
  maxNegativeTtl: number;
}

export const DEFAULT_TTL_BOUNDS: TtlBounds = { minTtl: 30, maxTtl: 86_400, minNegativeTtl: 30, maxNegativeTtl: 3_600 };

export interface DnsCacheOptions {
  clock: Clock;
  /** The second level, shared across restarts (and, on PostgreSQL, across edges). */
  store?: DnsCacheStore;
  /** First level: entries kept in process. Default 10 000. */
  maxEntries?: number;
  ttl?: Partial<TtlBounds>;
  /** How often a put also purges expired rows from the store. Default 10 minutes. */
  purgeEveryMs?: number;
}

export interface DnsCache {
  /** A live answer with TTLs counted down to what is left, or null. */
  get(question: Question): Promise<DnsAnswer | null>;
  put(question: Question, answer: DnsAnswer): Promise<void>;
}

/** How long an answer may be cached, in seconds; 0 means not at all. */
export function cacheSeconds(answer: DnsAnswer, bounds: TtlBounds): number {
  const clamp = (s: number, min: number, max: number) => Math.min(max, Math.max(min, s));
  if (answer.rcode === 'NOERROR' && answer.answers.length > 0) {
    return clamp(Math.min(...answer.answers.map((r) => r.ttl)), bounds.minTtl, bounds.maxTtl);
  }
  // RFC 2308 §5: a negative answer without an SOA must not be cached.
  return answer.negativeTtl === null ? 0 : clamp(answer.negativeTtl, bounds.minNegativeTtl, bounds.maxNegativeTtl);
}

const StoredAnswer = z.object({
  rcode: z.enum(['NOERROR', 'NXDOMAIN']),
  answers: z.array(DnsRecord).max(512),
  negativeTtl: z.number().int().nonnegative().nullable(),
});

interface Entry {
  answer: DnsAnswer;
  expiresAt: number;
}

/**
 * DNS answers per question, in two levels: a bounded in-process LRU in front of the store.
 * Only judged answers (NOERROR, NXDOMAIN) come here; failures are never cached.
 */
export function createDnsCache(options: DnsCacheOptions): DnsCache {
  const { clock, store } = options;
  const bounds = { ...DEFAULT_TTL_BOUNDS, ...options.ttl };
  const lru = new LRUCache<string, Entry>({ max: options.maxEntries ?? 10_000 });
  const purgeEveryMs = options.purgeEveryMs ?? 600_000;
  let lastPurge = clock.now();
  const keyOf = (q: Question) => `${q.name}/${q.type}`;
  // Every answer of one moment in one statement; a put resolves once its row is written.
  const writes = store ? batchedWrites((entries: { key: string; value: string; expiresAt: number }[]) => store.putMany(entries)) : null;

  const live = (entry: Entry): DnsAnswer => {
    const left = Math.ceil((entry.expiresAt - clock.now()) / 1000);
    return { ...entry.answer, answers: entry.answer.answers.map((r) => ({ ...r, ttl: Math.min(r.ttl, left) })) };
  };

  async function fromStore(key: string): Promise<Entry | null> {
    // A store that fails is a cache miss: DNS is still there.
    const row = await store?.get(key).catch(() => null);
    if (!row || row.expiresAt <= clock.now()) return null;
    const parsed = StoredAnswer.safeParse(parseJson(row.value));
    return parsed.success ? { answer: parsed.data, expiresAt: row.expiresAt } : null;
  }

  return {
    async get(question) {
      const key = keyOf(question);
      let entry = lru.get(key) ?? null;
      if (entry && entry.expiresAt <= clock.now()) {
        lru.delete(key);
        entry = null;
      }
      if (!entry) {
        entry = await fromStore(key);
        if (entry) lru.set(key, entry);
      }
      return entry ? live(entry) : null;
    },
    async put(question, answer) {
      const seconds = cacheSeconds(answer, bounds);
      if (seconds <= 0) return;
      const now = clock.now();
      const entry = { answer, expiresAt: now + seconds * 1000 };
      lru.set(keyOf(question), entry);
      // A store that fails costs only a later miss.
      await writes?.([{ key: keyOf(question), value: JSON.stringify(answer), expiresAt: entry.expiresAt }]).catch(() => undefined);
      if (store && now - lastPurge >= purgeEveryMs) {
        lastPurge = now;
        await store.purgeExpired(now).catch(() => 0);
      }
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
