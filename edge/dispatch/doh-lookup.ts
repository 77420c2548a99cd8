import type { DnsResult, Question } from '../dns/dns-message.ts';
import type { DnsLookup } from './dns-lookup.ts';

/** One DoH question, as the edge's DNS client answers it. */
export type DohQuery = (question: Question, signal?: AbortSignal) => Promise<DnsResult>;

/**
 * Answers the agents' dns_query frames with the edge's own DoH client, so an agent's
 * self-check sees what the edge sees. Only records of the asked type are passed on; a failed
 * lookup is SERVFAIL with no detail (endpoint URLs stay on the edge).
 */
export function dohLookup(query: DohQuery): DnsLookup {
  return async (name, qtype, signal) => {
    const result = await query({ name, type: qtype }, signal);
    if (!result.ok) return { rcode: 'SERVFAIL', answers: [] };
    const answers = result.answer.answers.filter((r) => r.type === qtype).map((r) => r.data);
    return { rcode: result.answer.rcode, answers };
  };
}

/** A host's A and AAAA addresses through the edge's DoH client (callback hosts for the private-address guard). */
export function hostAddresses(query: DohQuery): (host: string) => Promise<string[]> {
  const look = dohLookup(query);
  return async (host) => {
    const [a, aaaa] = await Promise.all([look(host, 'A'), look(host, 'AAAA')]);
    if (a.rcode === 'SERVFAIL' && aaaa.rcode === 'SERVFAIL') throw new Error('DNS failed');
    return [...a.answers, ...aaaa.answers];
  };
}
