import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { mediaType, requestPath, wantsBody, type DohRequest, type DohTransport, type HttpBytes } from '../dns/doh-transport.ts';

interface Target {
  send: typeof httpRequest;
  agent: HttpAgent;
  host: string;
  port: number;
  /** Basic credentials written in the endpoint's URL (user:password@), as node:http sends them. */
  auth?: string;
}

/** An unwanted body is read to keep the connection, but not for longer than this. */
const DRAIN_MS = 2_000;

/**
 * DoH on Node over node:http(s) with kept-alive connections, instead of the Web fetch: a bulk
 * job asks hundreds of questions a second, and undici's fetch (Request, Headers, WHATWG
 * streams), then a Web `Response` read back through a stream reader, were the largest CPU cost
 * of the edge's thread. Here the body goes from the socket's chunks to bytes and nothing else.
 */
export function nodeDohTransport(): DohTransport {
  const http = new HttpAgent({ keepAlive: true });
  const https = new HttpsAgent({ keepAlive: true });
  // An endpoint's URL is parsed once by the client; where it goes is worked out once here.
  const targets = new WeakMap<URL, Target>();
  const targetOf = (url: URL): Target => {
    let target = targets.get(url);
    if (!target) {
      const secure = url.protocol === 'https:';
      const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
      target = { send: secure ? httpsRequest : httpRequest, agent: secure ? https : http, host, port: Number(url.port) || (secure ? 443 : 80) };
      if (url.username) target.auth = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
      targets.set(url, target);
    }
    return target;
  };

  return (request, maxBytes) => {
    let req: ClientRequest | undefined;
    let cancelled = false;
    let settled = false;
    const answer = new Promise<HttpBytes>((resolve) => {
      const settle = (value: HttpBytes) => {
        settled = true;
        resolve(value);
      };
      const failed = (e: unknown) => settle({ ok: false, reason: cancelled ? 'aborted' : 'network', detail: e instanceof Error ? e.message : String(e) });
      const { send, agent, host, port, auth } = targetOf(request.endpoint);
      const headers: Record<string, string | number> = request.body
        ? { accept: request.accept, 'content-type': 'application/dns-message', 'content-length': request.body.byteLength }
        : { accept: request.accept };
      try {
        req = send({ host, port, path: requestPath(request), method: request.method, headers, agent, ...(auth ? { auth } : {}) }, (res) => read(res, request, maxBytes, settle, failed));
        req.on('error', failed);
        req.end(request.body);
      } catch (e) {
        failed(e);
      }
    });
    const cancel = () => {
      cancelled = true;
      // What is left of an answer already in (an unread body drained for the next question) is not cut.
      if (!settled) req?.destroy(new Error('given up'));
    };
    return { answer, cancel };
  };
}

function read(res: IncomingMessage, request: DohRequest, maxBytes: number, resolve: (v: HttpBytes) => void, failed: (e: unknown) => void): void {
  const status = res.statusCode ?? 0;
  const type = mediaType(res.headers['content-type']);
  let size = 0;
  if (!wantsBody(request, status, type)) {
    resolve({ ok: true, status, mediaType: type, body: null });
    // Read to the end so the connection is kept for the next question, unless it runs long or stalls.
    res.setTimeout(DRAIN_MS, () => res.destroy());
    res.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBytes) res.destroy();
    });
    res.on('error', () => undefined);
    return;
  }
  const declared = Number(res.headers['content-length']);
  if (declared > maxBytes) {
    res.destroy();
    return resolve({ ok: false, reason: 'too_large', detail: `declares ${declared} bytes` });
  }
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => {
    size += chunk.byteLength;
    if (size > maxBytes) {
      resolve({ ok: false, reason: 'too_large', detail: `more than ${maxBytes} bytes` });
      res.destroy();
    } else chunks.push(chunk);
  });
  res.on('end', () => resolve({ ok: true, status, mediaType: type, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) }));
  // After 'end' or a refusal this settles nothing; before them the answer was cut short.
  res.on('close', () => failed(new Error('the connection closed before the answer ended')));
  res.on('error', failed);
}
