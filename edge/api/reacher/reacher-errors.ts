import type { MiddlewareHandler } from 'hono';
import { ApiErrorBody } from '../../http/api-error.ts';
import type { ReacherError } from './reacher-schema.ts';

/**
 * Reacher's clients read a failure as `{"error": "…"}`. Every refusal on the Reacher routes
 * (missing key, rate limit, bad body, too large) is made by the shared middleware in our own
 * shape; this rewrites it on the way out, keeping the status and headers.
 */
export const reacherErrors: MiddlewareHandler = async function reacherErrors(c, next) {
  await next();
  if (c.res.status < 400 || !c.res.headers.get('content-type')?.includes('json')) return;
  const ours = ApiErrorBody.safeParse(await c.res.clone().json().catch(() => null));
  if (!ours.success) return;
  const body: ReacherError = { error: ours.data.error.message };
  const headers = new Headers(c.res.headers);
  headers.delete('content-length');
  c.res = new Response(JSON.stringify(body), { status: c.res.status, headers });
};
