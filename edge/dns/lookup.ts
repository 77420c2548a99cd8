import type { DnsRecord } from '../../protocol/index.ts';
import type { DnsClient } from './doh-client.ts';
import type { DnsCache } from './dns-cache.ts';
import type { DnsFailure, DnsResult, Question, QuestionType } from './dns-message.ts';

export interface QueryOptions {
  /** Skip reading the cache (the fresh answer is still written to it). */
  fresh?: boolean;
  signal?: AbortSignal;
}

export type CachedQuery = (question: Question, options: QueryOptions) => Promise<DnsResult>;

/** The client behind the cache: a hit does no I/O; only judged answers are written. */
export function cachedQuery(client: DnsClient, cache: DnsCache): CachedQuery {
  return async (question, options) => {
    const hit = options.fresh ? null : await cache.get(question);
    if (hit) return { ok: true, answer: hit };
    const result = await client.query(question, options.signal);
    if (result.ok) await cache.put(question, result.answer);
    return result;
  };
}

/** A name's records of one type, CNAMEs followed; `ttl` is the smallest TTL that went into it. */
export type Lookup =
  | { status: 'found'; name: string; records: DnsRecord[]; chain: DnsRecord[]; ttl: number }
  | { status: 'nxdomain' | 'nodata'; name: string; chain: DnsRecord[]; ttl: number }
  | { status: 'error'; name: string; chain: DnsRecord[]; failure: DnsFailure };

/** Longest CNAME chain followed; longer ones (and loops) count as a name without records. */
export const MAX_CNAMES = 8;

export async function lookup(query: CachedQuery, name: string, type: QuestionType, options: QueryOptions): Promise<Lookup> {
  const chain: DnsRecord[] = [];
  let current = name;
  for (;;) {
    const asked = current;
    const result = await query({ name: asked, type }, options);
    if (!result.ok) return { status: 'error', name: current, chain, failure: result.failure };
    const { answers, rcode, negativeTtl } = result.answer;
    // Only records owned by the names we follow count: anything else in the answer is ignored.
    for (;;) {
      const records = answers.filter((r) => r.name === current && r.type === type);
      if (records.length > 0) return { status: 'found', name: current, records, chain, ttl: minTtl([...records, ...chain]) };
      const cname = answers.find((r) => r.name === current && r.type === 'CNAME');
      if (!cname) break;
      if (chain.length >= MAX_CNAMES || cname.data === name || chain.some((c) => c.data === cname.data)) {
        return { status: 'nodata', name: current, chain, ttl: minTtl(chain) };
      }
      chain.push(cname);
      current = cname.data;
    }
    // A chain that stops at a target the answer says nothing about (no SOA, no NXDOMAIN): ask the target.
    if (current !== asked && rcode === 'NOERROR' && negativeTtl === null) continue;
    const ttl = Math.min(negativeTtl ?? 0, minTtl(chain));
    return { status: rcode === 'NXDOMAIN' ? 'nxdomain' : 'nodata', name: current, chain, ttl };
  }
}

function minTtl(records: DnsRecord[]): number {
  return records.reduce((min, r) => Math.min(min, r.ttl), Number.MAX_SAFE_INTEGER);
}
