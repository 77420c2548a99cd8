import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { WebhookFetch } from '../jobs/webhook/webhook-sender.ts';
import { webResponse } from './node-response.ts';

/**
 * A webhook POST on Node that connects to the address the guard vetted and to nothing else: the
 * socket's lookup answers that address, so the host is not resolved a second time (no DNS
 * rebinding between check and connect), while the URL's host still names the Host header, the
 * TLS SNI and the name the certificate must carry. Only status and headers are read.
 */
export const pinnedFetch: WebhookFetch = (url, init, { address }) =>
  new Promise<Response>((resolve, reject) => {
    const target = new URL(url);
    const family = address.includes(':') ? 6 : 4;
    const lookup: LookupFunction = (_host, options, callback) => {
      if (options.all) (callback as (error: null, addresses: { address: string; family: number }[]) => void)(null, [{ address, family }]);
      else callback(null, address, family);
    };
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, { method: init.method ?? 'POST', headers: Object.fromEntries(new Headers(init.headers)), lookup, ...(init.signal ? { signal: init.signal } : {}) }, (res: IncomingMessage) => {
      res.resume();
      resolve(webResponse(res, null));
    });
    req.on('error', reject);
    req.end(typeof init.body === 'string' ? init.body : undefined);
  });
