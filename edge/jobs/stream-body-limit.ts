import type { MiddlewareHandler } from 'hono';
import { apiError } from '../http/api-error.ts';

/** The error a body stream fails with once it has carried more than the limit. */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`The body is larger than ${limit} bytes.`);
    this.name = 'BodyTooLarge';
  }
}

/**
 * An upload-size limit that keeps the body a stream: a declared Content-Length over the limit is
 * refused at once; otherwise the bytes are counted as the handler reads them and the stream fails
 * with BodyTooLarge past the limit. (hono/body-limit buffers a chunked body whole to count it,
 * which a million-row upload cannot afford.)
 */
export function streamBodyLimit(limit: number): MiddlewareHandler {
  return async function streamBodyLimit(c, next) {
    const body = c.req.raw.body;
    if (!body) return next();
    const declared = Number(c.req.header('content-length') ?? NaN);
    if (declared > limit) return apiError(c, 413, 'body_too_large', new BodyTooLarge(limit).message);
    let seen = 0;
    const counted = body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          seen += chunk.length;
          if (seen > limit) controller.error(new BodyTooLarge(limit));
          else controller.enqueue(chunk);
        },
      }),
    );
    c.req.raw = new Request(c.req.raw, { body: counted, duplex: 'half' } as RequestInit);
    return next();
  };
}
