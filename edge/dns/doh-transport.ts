/**
 * How a DoH question travels: one HTTP request out, the status, media type and body bytes back.
 * That is all the exchange needs, so a runtime can carry it without building a Web `Response`
 * and reading it back through a stream (edge/adapters/doh-transport-node.ts); the Web fetch
 * carries it everywhere else (fetch-transport.ts).
 */
export interface DohRequest {
  /** The endpoint, parsed once (no fragment); the question's parameters go after its own query. */
  endpoint: URL;
  /** `dns=…` (RFC 8484 GET) or `name=…&type=…` (JSON API); empty for a POST. */
  query: string;
  method: 'GET' | 'POST';
  accept: string;
  /** A POST's wire-format query (sent as application/dns-message). */
  body?: Uint8Array<ArrayBuffer>;
  /** Media types whose 200 answer is worth reading; any other answer comes back without its body. */
  reads: readonly string[];
}

export type HttpBytes =
  /** `body` is null unless the status is 200 and the media type one the request reads. */
  | { ok: true; status: number; mediaType: string; body: Uint8Array | null }
  | { ok: false; reason: 'network' | 'aborted' | 'too_large'; detail: string };

/** A request on its way. */
export interface Sent {
  /** Every outcome is a value; a body past the limit is `too_large`, refused unread when declared. */
  answer: Promise<HttpBytes>;
  /**
   * Gives the request up: an answer not yet in becomes `aborted`. A handle, not an AbortSignal:
   * an AbortController and its listeners for each question were a measurable part of a DoH
   * question's CPU on Node, and only the Web fetch needs one.
   */
  cancel(): void;
}

export type DohTransport = (request: DohRequest, maxBytes: number) => Sent;

/** The path and query a request asks for (`/dns-query?dns=…`). */
export function requestPath(request: DohRequest): string {
  const { endpoint, query } = request;
  return query ? `${endpoint.pathname}${endpoint.search}${endpoint.search ? '&' : '?'}${query}` : `${endpoint.pathname}${endpoint.search}`;
}

/** A Content-Type header's media type: lower case, without parameters; '' when there is none. */
export function mediaType(header: string | null | undefined): string {
  if (!header) return '';
  const end = header.indexOf(';');
  return (end < 0 ? header : header.slice(0, end)).trim().toLowerCase();
}

/** Whether an answer's body is worth reading: a 200 of a media type the request reads. */
export function wantsBody(request: DohRequest, status: number, type: string): boolean {
  return status === 200 && request.reads.includes(type);
}
