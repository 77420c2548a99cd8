import { Hono } from 'hono';
import { VerifyRequest } from '../../../protocol/index.ts';
import type { AccessEnv } from '../../access/authenticate.ts';
import type { EdgeMetrics } from '../../metrics/edge-metrics.ts';
import { verifyAddress, type VerifyDeps } from '../../verify/verify-address.ts';
import { jsonBody, requireJson } from '../json-body.ts';
import { ReacherRequest } from '../reacher/reacher-schema.ts';
import { toReacher } from '../reacher/to-reacher.ts';

function freshQuery(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'yes', ''].includes(value.toLowerCase());
}

/** POST /v1/verify, and Reacher's POST /v1/check_email and /v0/check_email over the same pipeline. */
export function verifyRoutes(deps: VerifyDeps, metrics: EdgeMetrics): Hono<AccessEnv> {
  const app = new Hono<AccessEnv>();
  app.post('/v1/verify', requireJson, jsonBody(VerifyRequest), async (c) => {
    const body = c.req.valid('json');
    const fresh = body.fresh === true || freshQuery(c.req.query('fresh'));
    const result = await verifyAddress(deps, body.email, { fresh });
    metrics.verdict(result);
    return c.json(result, 200);
  });
  // Reacher's current endpoint and its deprecated one take and give the same shapes.
  for (const path of ['/v1/check_email', '/v0/check_email']) {
    app.post(path, requireJson, jsonBody(ReacherRequest), async (c) => {
      const { to_email } = c.req.valid('json');
      const result = await verifyAddress(deps, to_email, { fresh: freshQuery(c.req.query('fresh')) });
      metrics.verdict(result);
      return c.json(toReacher(to_email, result), 200);
    });
  }
  return app;
}
