import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Fetch } from '../dns/doh-exchange.ts';
import { webResponse } from './node-response.ts';

/**
 * DoH on Node over node:http(s) with kept-alive connections, instead of the Web fetch: a bulk
 * job asks hundreds of questions a second, and undici's fetch (Request, Headers, WHATWG
 * streams, its wasm HTTP parser) was the largest CPU cost of the edge's thread. The body is read
 * up to `maxBytes` + 1 bytes, so the exchange's own limit still sees an oversized answer as one.
 */
export function dohFetch(maxBytes: number): Fetch {
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const target = new URL(input);
      const https = target.protocol === 'https:';
      const send = https ? httpsRequest : httpRequest;
      const headers = Object.fromEntries(new Headers(init.headers));
      const req = send(target, { method: init.method ?? 'GET', headers, agent: https ? agents.https : agents.http, ...(init.signal ? { signal: init.signal } : {}) }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.byteLength;
          chunks.push(chunk);
          if (size > maxBytes) res.destroy();
        });
        const answer = () => resolve(webResponse(res, Buffer.concat(chunks)));
        res.on('end', answer);
        // Cut short by us (too large: the exchange refuses it) or by the peer or an abort (an error: settling twice is a no-op).
        res.on('close', () => (size > maxBytes ? answer() : reject(new Error('the connection closed before the answer ended'))));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(init.body instanceof Uint8Array ? init.body : undefined);
    });
}
