import { zValidator } from '@hono/zod-validator';
import type { MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import { apiError } from '../http/api-error.ts';

/** A clear 415 instead of the validator's silent `{}` when the body is not declared JSON. */
export const requireJson: MiddlewareHandler = async function requireJson(c, next) {
  const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!/^application\/([\w.-]+\+)?json$/.test(type)) {
    return apiError(c, 415, 'unsupported_media_type', 'Send the body as JSON with "Content-Type: application/json".');
  }
  return next();
};

/** Validates the JSON body against a protocol schema; a 400 names the first field that is wrong. */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return zValidator('json', schema, (result, c) => {
    if (result.success) return;
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return apiError(c, 400, 'invalid_request', `${where}${issue?.message ?? 'the body does not match the schema'}`);
  });
}
