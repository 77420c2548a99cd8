import { mediaType, requestPath, wantsBody, type DohRequest, type DohTransport, type HttpBytes } from './doh-transport.ts';
import { readBody } from './read-body.ts';

/** The Web fetch, injected: tests answer in-process; the default is the runtime's own. */
export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/** DoH over the Web fetch (Deno, tests): an answer not worth reading is cancelled, a body read up to the limit. */
export function fetchTransport(fetch: Fetch): DohTransport {
  return (request, maxBytes) => {
    const controller = new AbortController();
    return { answer: ask(fetch, request, maxBytes, controller.signal), cancel: () => controller.abort() };
  };
}

async function ask(fetch: Fetch, request: DohRequest, maxBytes: number, signal: AbortSignal): Promise<HttpBytes> {
  const headers: Record<string, string> = request.body ? { accept: request.accept, 'content-type': 'application/dns-message' } : { accept: request.accept };
  let response: Response;
  try {
    response = await fetch(`${request.endpoint.origin}${requestPath(request)}`, { method: request.method, headers, signal, ...(request.body ? { body: request.body } : {}) });
  } catch (e) {
    return { ok: false, reason: signal.aborted ? 'aborted' : 'network', detail: e instanceof Error ? e.message : 'fetch failed' };
  }
  const type = mediaType(response.headers.get('content-type'));
  if (!wantsBody(request, response.status, type)) {
    await response.body?.cancel().catch(() => undefined);
    return { ok: true, status: response.status, mediaType: type, body: null };
  }
  const body = await readBody(response, maxBytes, signal);
  return body.ok ? { ok: true, status: response.status, mediaType: type, body: body.bytes } : body;
}
