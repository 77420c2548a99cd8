import type { DnsRecord } from '../../protocol/index.ts';

/** The record types stage 2 (and the agents' self-check) asks for. */
export const QUESTION_TYPES = ['A', 'AAAA', 'MX', 'CNAME', 'TXT', 'PTR', 'SOA', 'NS'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

export interface Question {
  name: string;
  type: QuestionType;
}

/** A decoded response, whatever the transport (wire format or JSON), before it is judged. */
export interface DnsMessage {
  response: boolean;
  truncated: boolean;
  rcode: string;
  questions: { name: string; type: string }[];
  answers: DnsRecord[];
  authorities: DnsRecord[];
}

/** An answer we may use and cache: names lower-case without the final dot. */
export interface DnsAnswer {
  rcode: 'NOERROR' | 'NXDOMAIN';
  answers: DnsRecord[];
  /** RFC 2308: min(SOA TTL, SOA MINIMUM) of the authority section; null when it has no SOA. */
  negativeTtl: number | null;
}

export type DnsFailureReason =
  | 'timeout'
  | 'network'
  | 'http_status'
  | 'content_type'
  | 'too_large'
  | 'undecodable'
  | 'not_a_response'
  | 'wrong_question'
  | 'truncated'
  | 'server_failure'
  | 'circuit_open'
  | 'aborted'
  | 'invalid_name';

export interface DnsFailure {
  reason: DnsFailureReason;
  /** For people: which endpoint said what. */
  detail: string;
}

export type DnsResult = { ok: true; answer: DnsAnswer } | { ok: false; failure: DnsFailure };

export function failure(reason: DnsFailureReason, detail: string): { ok: false; failure: DnsFailure } {
  return { ok: false, failure: { reason, detail } };
}

/** RFC 2181 §8: a TTL with the top bit set means zero. */
export function ttlOf(raw: number): number {
  return Number.isInteger(raw) && raw >= 0 && raw <= 0x7fff_ffff ? raw : 0;
}

/** Lower-case, without the final dot; the root stays ".". */
export function normalizeName(name: string): string {
  const lower = name.toLowerCase();
  return lower.length > 1 && lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/** A name we are willing to put in a question: LDH labels (and `_`), at most 253 characters. */
export function isQueryableName(name: string): boolean {
  return name.length > 0 && name.length <= 253 && name.split('.').every((l) => LABEL.test(l));
}

/** Caps that keep one hostile answer from costing more than a normal one. */
export const MAX_RECORDS = 256;

/**
 * Judges a decoded response to our question: it must be a response, not truncated, for the
 * same name (case-insensitively) and type, with NOERROR or NXDOMAIN. Records for names other
 * than those the caller follows are kept here and ignored by the caller.
 */
export function judge(message: DnsMessage, question: Question, where: string): DnsResult {
  if (!message.response) return failure('not_a_response', `${where}: the answer has QR=0`);
  const q = message.questions;
  if (q.length !== 1 || normalizeName(q[0]?.name ?? '') !== normalizeName(question.name) || q[0]?.type !== question.type) {
    return failure('wrong_question', `${where}: the answer is for ${q.map((x) => `${x.name}/${x.type}`).join(', ') || 'no question'}`);
  }
  if (message.truncated) return failure('truncated', `${where}: the answer is truncated (TC=1)`);
  if (message.rcode !== 'NOERROR' && message.rcode !== 'NXDOMAIN') return failure('server_failure', `${where}: ${message.rcode}`);
  if (message.answers.length + message.authorities.length > MAX_RECORDS) return failure('too_large', `${where}: too many records`);
  const soa = message.authorities.find((r) => r.type === 'SOA');
  const minimum = soa ? Number(soa.data.split(' ')[6]) : NaN;
  const negativeTtl = soa && Number.isFinite(minimum) ? Math.min(soa.ttl, ttlOf(minimum)) : null;
  return { ok: true, answer: { rcode: message.rcode, answers: message.answers, negativeTtl } };
}
