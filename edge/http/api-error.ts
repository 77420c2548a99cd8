import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';

/** Every non-2xx answer of the API has this body: a stable code and a sentence. */
export const ApiErrorBody = z.object({
  error: z.object({
    code: z.string().describe('Stable snake_case code, e.g. invalid_request, missing_api_key, rate_limited.'),
    message: z.string().describe('What went wrong, for a person.'),
    columns: z.array(z.string()).optional().describe('ambiguous_column only: the upload\'s columns, one of which to name in ?column=.'),
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

export function apiError(c: Context, status: ContentfulStatusCode, code: string, message: string, headers?: Record<string, string>, details?: Pick<ApiErrorBody['error'], 'columns'>): Response {
  const body: ApiErrorBody = { error: { code, message, ...details } };
  return c.json(body, status, headers);
}
