import type { IncomingMessage } from 'node:http';

/**
 * A Web `Response` for what node:http received: its string headers, and its status when it is one
 * a `Response` can hold (200–599; anything else is no answer, 502). 204 and 304 carry no body.
 */
export function webResponse(res: IncomingMessage, body: BodyInit | null): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') headers.set(name, value);
  const status = res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode <= 599 ? res.statusCode : 502;
  return new Response(status === 204 || status === 304 ? null : body, { status, headers });
}
