import { failure, judge, type DnsResult, type Question } from './dns-message.ts';
import type { DohRequest, DohTransport, HttpBytes } from './doh-transport.ts';
import { decodeJson } from './json-codec.ts';
import { decodeMessage, encodeQuery } from './wire-codec.ts';

/**
 * A DoH endpoint. `json+https://…` (or `json+http://…`) marks one that speaks only the JSON
 * API; others speak RFC 8484 until one answers a wire query in a way that says it wants JSON
 * (see `exchange`), after which the client asks it in JSON.
 */
export interface DohEndpoint {
  /**
   * The URL as messages show it: origin and path, without the credentials or the query (a token)
   * it may carry. Failure details reach results, webhooks and /v1/health.
   */
  shown: string;
  /** The endpoint's URL parsed once, without a fragment (never sent) or a lone "?". */
  target: URL;
  json: boolean;
}

/** Throws for what is not an http(s) URL: the settings check BZ_DOH before any client is built. */
export function parseEndpoint(text: string): DohEndpoint {
  const json = text.startsWith('json+');
  const url = json ? text.slice(5) : text;
  const target = new URL(url);
  if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new Error(`DoH endpoint ${url} is not an http(s) URL`);
  target.hash = '';
  if (target.search === '') target.search = '';
  return { target, json, shown: `${target.origin}${target.pathname}` };
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
const READS_WIRE = [WIRE];
const JSON_TYPES = ['application/dns-json', 'application/json'];
const JSON_HINT_STATUS = [400, 406, 415];

/** One question to one endpoint, one HTTP request; every outcome is a value. `cancel` gives it up (the outcome is then `aborted`). */
export function exchange(transport: DohTransport, endpoint: DohEndpoint, question: Question, json: boolean, limits: ExchangeLimits): { exchanged: Promise<Exchanged>; cancel(): void } {
  const sent = transport(request(endpoint.target, question, json, limits), limits.maxBytes);
  return { exchanged: sent.answer.then((answer) => judgeAnswer(answer, endpoint.shown, question, json)), cancel: sent.cancel };
}

function judgeAnswer(answer: HttpBytes, where: string, question: Question, json: boolean): Exchanged {
  if (!answer.ok) return { result: failure(answer.reason, `${where}: ${answer.detail}`), speaksJson: false };
  const { status, mediaType: type, body } = answer;
  if (body === null) {
    const speaksJson = !json && (JSON_TYPES.includes(type) || JSON_HINT_STATUS.includes(status));
    const result = status !== 200 ? failure('http_status', `${where}: HTTP ${status}`) : failure('content_type', `${where}: content type "${type}"`);
    return { result, speaksJson };
  }
  const message = json ? decodeJson(new TextDecoder().decode(body)) : decodeMessage(body);
  if (typeof message === 'string') return { result: failure('undecodable', `${where}: ${message}`), speaksJson: false };
  return { result: judge(message, question, where), speaksJson: false };
}

function request(endpoint: URL, question: Question, json: boolean, limits: ExchangeLimits): DohRequest {
  if (json) return { endpoint, query: `name=${encodeURIComponent(question.name)}&type=${question.type}`, method: 'GET', accept: 'application/dns-json', reads: JSON_TYPES };
  const query = encodeQuery(question);
  const get: DohRequest = { endpoint, query: `dns=${base64url(query)}`, method: 'GET', accept: WIRE, reads: READS_WIRE };
  // The length of the URL as sent: origin, path, the endpoint's own query and ours.
  const length = endpoint.origin.length + endpoint.pathname.length + endpoint.search.length + 1 + get.query.length;
  return length <= limits.maxGetUrl ? get : { endpoint, query: '', method: 'POST', accept: WIRE, body: query, reads: READS_WIRE };
}

/** RFC 8484 §4.1: base64url without padding. */
export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
