import type { MiddlewareHandler } from 'hono';
import { apiError } from '../http/api-error.ts';
import type { AccessEnv } from './authenticate.ts';
import type { KeyScope } from './scopes.ts';

/** 403 unless the authenticated caller's key carries the scope; runs after authenticate. */
export function requireScope(scope: KeyScope): MiddlewareHandler<AccessEnv> {
  return async function checkScope(c, next) {
    if (c.get('principal').scopes.includes(scope)) return next();
    return apiError(c, 403, 'insufficient_scope', `This API key lacks the "${scope}" scope (bouncezero key add NAME --scope ${scope},…).`, {
      'WWW-Authenticate': `Bearer realm="bouncezero", error="insufficient_scope", scope="${scope}"`,
    });
  };
}
