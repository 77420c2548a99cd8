import type { Context, MiddlewareHandler } from 'hono';
import type { GetConnInfo } from 'hono/conninfo';
import type { Clock } from '../../protocol/index.ts';
import { apiError } from '../api/api-error.ts';
import { Lru } from '../dns/lru.ts';
import { hashApiKey } from './api-key.ts';
import type { ApiKeyStore } from './key-store.ts';

/** Who is calling: a stored key, the BZ_API_KEY, or an anonymous caller on loopback. */
export interface Principal {
  id: string;
  name: string;
}

export type AccessEnv = { Variables: { principal: Principal } };

export interface AuthenticateOptions {
  keys: ApiKeyStore;
  /** BZ_API_KEY, accepted as given. */
  configKey?: string;
  /** BZ_ALLOW_ANONYMOUS_LOCAL: loopback callers without a key are let in. */
  allowAnonymousLocal: boolean;
  /** The runtime's way to learn the caller's address (an adapter supplies it); absent means unknown. */
  connInfo?: GetConnInfo;
  clock: Clock;
  /**
   * How long an accepted key is remembered in process, sparing the hash and the lookup on
   * every call; also the longest a revoked key keeps working here. Default 10 s.
   */
  rememberMs?: number;
}

/** 127.0.0.0/8, ::1 and their IPv4-mapped form. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4) || address === '::1';
}

/** Authorization: Bearer, or Reacher's x-reacher-secret header so its clients work unchanged. */
function presentedKey(c: Context): string | null {
  const auth = c.req.header('authorization');
  const bearer = auth ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(auth)?.[1] : undefined;
  return bearer ?? c.req.header('x-reacher-secret')?.trim() ?? null;
}

export function authenticate(options: AuthenticateOptions): MiddlewareHandler<AccessEnv> {
  const configHash = options.configKey ? hashApiKey(options.configKey) : null;
  const { clock } = options;
  const rememberMs = options.rememberMs ?? 10_000;
  const accepted = new Lru<{ principal: Principal; until: number }>(1000);

  async function lookUp(key: string): Promise<Principal | null> {
    const known = accepted.get(key);
    if (known && known.until > clock.now()) return known.principal;
    const hash = await hashApiKey(key);
    // Both sides are hashes, so comparing them leaks nothing about the key by timing.
    const record = configHash && hash === (await configHash) ? { id: 'config', name: 'BZ_API_KEY' } : await options.keys.findByHash(hash);
    if (!record) return null;
    const principal = { id: record.id, name: record.name };
    accepted.set(key, { principal, until: clock.now() + rememberMs });
    return principal;
  }

  return async function authenticateCaller(c, next) {
    const key = presentedKey(c);
    if (key !== null) {
      const principal = await lookUp(key);
      if (!principal) return unauthorized(c, 'invalid_api_key', 'The API key is not valid (unknown or revoked).');
      c.set('principal', principal);
      return next();
    }
    if (options.allowAnonymousLocal && options.connInfo && isLoopback(options.connInfo(c).remote.address)) {
      c.set('principal', { id: 'local', name: 'anonymous (loopback)' });
      return next();
    }
    return unauthorized(c, 'missing_api_key', 'Send an API key as "Authorization: Bearer <key>" (create one with `bouncezero key add NAME`).');
  };
}

function unauthorized(c: Context, code: string, message: string): Response {
  return apiError(c, 401, code, message, { 'WWW-Authenticate': 'Bearer realm="bouncezero"' });
}
