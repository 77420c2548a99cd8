import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { EdgeMetrics } from '../metrics/edge-metrics.ts';

/**
 * Counts every answer by route pattern (never the raw path: `/v1/jobs/:id`, not one series per
 * id), method and status. Middleware is registered as method ALL, so the handler is the last
 * route of another method.
 */
export function countRequests(metrics: EdgeMetrics): MiddlewareHandler {
  return async function countRequest(c, next) {
    await next();
    const handler = matchedRoutes(c).filter((r) => r.method !== 'ALL').at(-1);
    metrics.request(handler?.path ?? 'unmatched', c.req.method, c.res.status);
  };
}
