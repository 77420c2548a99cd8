import { systemClock, systemRandom, type Clock, type Random } from '../../protocol/index.ts';
import type { BreakerOptions } from './circuit-breaker.ts';
import type { Cidr } from '../../net/cidr.ts';
import { createDnsCache, type DnsCacheStore, type TtlBounds } from './dns-cache.ts';
import { createDohClient, type DnsClient } from './doh-client.ts';
import type { Fetch } from './fetch-transport.ts';
import { cachedQuery } from './lookup.ts';
import type { MxResolver } from './mx-resolver.ts';
import { planMx } from './mx-planner.ts';

export interface MxResolverOptions {
  /** BZ_DOH, in order; `json+https://…` marks a JSON-API-only endpoint. */
  endpoints: readonly string[];
  /** A client to share (its circuit breakers and queries in flight) instead of building one from the options below. */
  client?: DnsClient;
  /** BZ_ALLOW_NETS, parsed with parseCidrList. */
  allowNets?: readonly Cidr[];
  fetch?: Fetch;
  clock?: Clock;
  random?: Random;
  /** Second cache level (e.g. createDnsCacheStore(db)); without it only the in-process LRU. */
  cacheStore?: DnsCacheStore;
  /** In-process cache entries. Default 10 000. */
  cacheEntries?: number;
  /** Seconds; defaults 30 s – 1 day positive, 30 s – 1 h negative. */
  ttl?: Partial<TtlBounds>;
  /** Per endpoint attempt. Default 2000 ms. */
  timeoutMs?: number;
  /** Default 64 KiB. */
  maxResponseBytes?: number;
  /** Questions out at once (default 16). */
  maxInFlight?: number;
  /** Default 3 consecutive failures open an endpoint's circuit for 30 s. */
  breaker?: BreakerOptions;
}

export function createMxResolver(options: MxResolverOptions): MxResolver {
  const clock = options.clock ?? systemClock;
  const client =
    options.client ??
    createDohClient({
      endpoints: options.endpoints,
      clock,
      ...(options.fetch && { fetch: options.fetch }),
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
      ...(options.maxResponseBytes !== undefined && { maxResponseBytes: options.maxResponseBytes }),
      ...(options.breaker && { breaker: options.breaker }),
      ...(options.maxInFlight !== undefined && { maxInFlight: options.maxInFlight }),
    });
  const cache = createDnsCache({
    clock,
    ...(options.cacheStore && { store: options.cacheStore }),
    ...(options.cacheEntries !== undefined && { maxEntries: options.cacheEntries }),
    ...(options.ttl && { ttl: options.ttl }),
  });
  const deps = { query: cachedQuery(client, cache), random: options.random ?? systemRandom, allowNets: options.allowNets ?? [] };
  return {
    plan: (domain, planOptions = {}) => planMx(domain, deps, planOptions),
  };
}
