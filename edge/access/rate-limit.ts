import type { MiddlewareHandler } from 'hono';
import { apiError } from '../http/api-error.ts';
import type { AccessEnv } from './authenticate.ts';
import type { TokenBuckets } from './token-bucket.ts';

/** Per-principal token bucket; runs after authenticate, so every caller has an id. */
export function rateLimit(buckets: TokenBuckets): MiddlewareHandler<AccessEnv> {
  return async function limitRate(c, next) {
    const taken = buckets.take(c.get('principal').id);
    if (taken.ok) return next();
    return apiError(c, 429, 'rate_limited', `Too many requests for this API key; retry in ${taken.retryAfterS} s.`, {
      'Retry-After': String(taken.retryAfterS),
    });
  };
}
