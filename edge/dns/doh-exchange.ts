import { failure, judge, type DnsResult, type Question } from './dns-message.ts';
import { decodeJson } from './json-codec.ts';
import { readBody } from './read-body.ts';
import { decodeMessage, encodeQuery } from './wire-codec.ts';

/** The Web fetch, injected: tests answer in-process, the edge passes the runtime's own. */
export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/**
 * A DoH endpoint. `json+https://…` (or `json+http://…`) marks one that speaks only the JSON
 * API; others speak RFC 8484 until one answers a wire query in a way that says it wants JSON
 * (see `exchange`), after which the client asks it in JSON.
 */
export interface DohEndpoint {
  url: string;
  json: boolean;
}

export function parseEndpoint(text: string): DohEndpoint {
  const json = text.startsWith('json+');
  return { url: json ? text.slice(5) : text, json };
}

export interface ExchangeLimits {
  /** Response bodies past this are refused unread. */
  maxBytes: number;
  /** A GET URL longer than this goes as POST instead. */
  maxGetUrl: number;
}

export interface Exchanged {
  result: DnsResult;
  /** The endpoint refused a wire query as a JSON-only one would (400/406/415 or a JSON body). */
  speaksJson: boolean;
}

const WIRE = 'application/dns-message';
const JSON_TYPES = ['application/dns-json', 'application/json'];
const JSON_HINT_STATUS = [400, 406, 415];

/** One question to one endpoint, one HTTP request; every outcome is a value. */
export async function exchange(fetch: Fetch, endpoint: DohEndpoint, question: Question, json: boolean, signal: AbortSignal, limits: ExchangeLimits): Promise<Exchanged> {
  const where = endpoint.url;
  let response: Response;
  try {
    response = await fetch(...request(endpoint.url, question, json, signal, limits));
  } catch (e) {
    return { result: failure(signal.aborted ? 'aborted' : 'network', `${where}: ${e instanceof Error ? e.message : 'fetch failed'}`), speaksJson: false };
  }
  const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const looksJson = JSON_TYPES.includes(type);
  if (response.status !== 200 || (json ? !looksJson : type !== WIRE)) {
    await response.body?.cancel().catch(() => undefined);
    const speaksJson = !json && (looksJson || JSON_HINT_STATUS.includes(response.status));
    const result = response.status !== 200 ? failure('http_status', `${where}: HTTP ${response.status}`) : failure('content_type', `${where}: content type "${type}"`);
    return { result, speaksJson };
  }
  const body = await readBody(response, limits.maxBytes, signal);
  if (!body.ok) return { result: failure(body.reason, `${where}: ${body.detail}`), speaksJson: false };
  const message = json ? decodeJson(new TextDecoder().decode(body.bytes)) : decodeMessage(body.bytes);
  if (typeof message === 'string') return { result: failure('undecodable', `${where}: ${message}`), speaksJson: false };
  return { result: judge(message, question, where), speaksJson: false };
}

function request(base: string, question: Question, json: boolean, signal: AbortSignal, limits: ExchangeLimits): [string, RequestInit] {
  const url = new URL(base);
  if (json) {
    url.searchParams.set('name', question.name);
    url.searchParams.set('type', question.type);
    return [url.href, { method: 'GET', headers: { accept: 'application/dns-json' }, signal }];
  }
  const query = encodeQuery(question);
  url.searchParams.set('dns', base64url(query));
  if (url.href.length <= limits.maxGetUrl) return [url.href, { method: 'GET', headers: { accept: WIRE }, signal }];
  return [base, { method: 'POST', headers: { accept: WIRE, 'content-type': WIRE }, body: query, signal }];
}

/** RFC 8484 §4.1: base64url without padding. */
export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
