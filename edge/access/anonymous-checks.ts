import type { MiddlewareHandler } from 'hono';
import type { Clock } from '../../protocol/index.ts';
import { apiError } from '../http/api-error.ts';
import { presentedKey, type AccessEnv } from './authenticate.ts';
import type { CallerOf } from './client-address.ts';
import { TokenBuckets } from './token-bucket.ts';

const HOUR_S = 3_600;

/**
 * BZ_ANONYMOUS_CHECKS: the public page's promise, a single check without signing up. A caller
 * that presents no key is admitted as "anonymous" while its address has checks left this hour
 * and so does everyone together; a caller with a key goes on to authenticate as usual. Mounted
 * on the single-check route only: bulk jobs always need a key.
 */
export function anonymousChecks(options: { perHour: number; totalPerHour: number; callerOf: CallerOf; clock: Clock }): MiddlewareHandler<AccessEnv> {
  const perAddress = new TokenBuckets(options.clock, options.perHour / HOUR_S, options.perHour);
  const everyone = new TokenBuckets(options.clock, options.totalPerHour / HOUR_S, options.totalPerHour, 1);
  return async function admitAnonymous(c, next) {
    if (presentedKey(c) !== null) return next();
    const caller = options.callerOf(c);
    // Without a known address the per-address limit cannot hold, so such callers need a key.
    if (caller.address === undefined) return next();
    const mine = perAddress.peek(caller.address);
    const all = everyone.peek('all');
    const refusal = !mine.ok ? mine : !all.ok ? all : null;
    if (refusal) {
      return apiError(c, 429, 'anonymous_limit', `Checks without an API key are limited (${options.perHour} per hour per address); retry in ${refusal.retryAfterS} s or send an API key.`, {
        'Retry-After': String(refusal.retryAfterS),
      });
    }
    perAddress.take(caller.address);
    everyone.take('all');
    c.set('principal', { id: 'anonymous', name: 'anonymous (BZ_ANONYMOUS_CHECKS)', scopes: ['verify'] });
    return next();
  };
}
