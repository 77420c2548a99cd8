import type { Context, MiddlewareHandler } from 'hono';
import type { Clock } from '../../protocol/index.ts';
import { apiError } from '../http/api-error.ts';
import { LRUCache } from 'lru-cache';
import { hashApiKey } from './api-key.ts';
import type { CallerOf } from './client-address.ts';
import type { ApiKeyStore } from './key-store.ts';
import type { TokenBuckets } from './token-bucket.ts';
import { ANONYMOUS_LOCAL_SCOPES, CONFIG_KEY_SCOPES, type KeyScope } from './scopes.ts';

/**
 * Who is calling: a stored key (id = the key's id, `k_…`), the BZ_API_KEY (id `config`, whatever
 * its value, so rotating it keeps its jobs), or an anonymous caller on loopback (id `local`).
 * The id owns the jobs the caller creates.
 */
export interface Principal {
  id: string;
  name: string;
  scopes: readonly KeyScope[];
}

export type AccessEnv = { Variables: { principal: Principal } };

export interface AuthenticateOptions {
  keys: ApiKeyStore;
  /** BZ_API_KEY, accepted as given. */
  configKey?: string;
  /** BZ_ALLOW_ANONYMOUS_LOCAL: loopback callers without a key are let in. */
  allowAnonymousLocal: boolean;
  /** The caller's address and whether it is local (client-address.ts). */
  callerOf: CallerOf;
  /** Wrong keys per client address: an empty bucket answers 429 before any key is looked at. */
  failures?: TokenBuckets;
  clock: Clock;
  /**
   * How long an accepted key is remembered in process, sparing the hash and the lookup on
   * every call; also the longest a revoked key keeps working here. Default 10 s.
   */
  rememberMs?: number;
}

/**
 * Authorization: Bearer; Reacher's bare `Authorization: <key>` (its SaaS) and its
 * `x-reacher-secret` header (its self-hosted backend), so Reacher clients work unchanged.
 */
export function presentedKey(c: Context): string | null {
  const auth = c.req.header('authorization')?.trim();
  const key = auth ? (/^Bearer[ \t]+(\S+)$/i.exec(auth)?.[1] ?? (/^[^\s]+$/.test(auth) ? auth : undefined)) : undefined;
  return key ?? c.req.header('x-reacher-secret')?.trim() ?? null;
}

export function authenticate(options: AuthenticateOptions): MiddlewareHandler<AccessEnv> {
  const configHash = options.configKey ? hashApiKey(options.configKey) : null;
  const { clock } = options;
  const rememberMs = options.rememberMs ?? 10_000;
  const accepted = new LRUCache<string, { principal: Principal; until: number }>({ max: 1000 });

  async function lookUp(key: string): Promise<Principal | null> {
    const known = accepted.get(key);
    if (known && known.until > clock.now()) return known.principal;
    const hash = await hashApiKey(key);
    // Both sides are hashes, so comparing them leaks nothing about the key by timing.
    const record = configHash && hash === (await configHash) ? { id: 'config', name: 'BZ_API_KEY', scopes: CONFIG_KEY_SCOPES } : await options.keys.findByHash(hash);
    if (!record) return null;
    const principal = { id: record.id, name: record.name, scopes: record.scopes };
    accepted.set(key, { principal, until: clock.now() + rememberMs });
    return principal;
  }

  return async function authenticateCaller(c, next) {
    // An earlier middleware (anonymous single checks) already admitted the caller.
    if (c.get('principal')) return next();
    const key = presentedKey(c);
    const caller = options.callerOf(c);
    if (key !== null) {
      // Callers whose address is unknown share one bucket: a guesser still cannot go fast.
      const from = caller.address ?? 'unknown';
      const locked = options.failures?.peek(from);
      if (locked && !locked.ok) {
        return apiError(c, 429, 'too_many_failed_attempts', `Too many wrong API keys from this address; retry in ${locked.retryAfterS} s.`, { 'Retry-After': String(locked.retryAfterS) });
      }
      const principal = await lookUp(key);
      if (!principal) {
        options.failures?.take(from);
        return unauthorized(c, 'invalid_api_key', 'The API key is not valid (unknown or revoked).');
      }
      c.set('principal', principal);
      return next();
    }
    if (options.allowAnonymousLocal && caller.local) {
      c.set('principal', { id: 'local', name: 'anonymous (loopback)', scopes: ANONYMOUS_LOCAL_SCOPES });
      return next();
    }
    return unauthorized(c, 'missing_api_key', 'Send an API key as "Authorization: Bearer <key>" (create one with `bouncezero key add NAME`).');
  };
}

function unauthorized(c: Context, code: string, message: string): Response {
  return apiError(c, 401, code, message, { 'WWW-Authenticate': 'Bearer realm="bouncezero"' });
}
