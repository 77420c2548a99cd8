/** A DNS question asked for an agent's self-check, answered by the edge's own DoH resolver. */
export type DnsQuestionType = 'A' | 'AAAA' | 'PTR' | 'TXT' | 'MX';

/** rcode as DNS names it (NOERROR, NXDOMAIN, SERVFAIL …); answers as presentation-format data. */
export type DnsLookup = (name: string, qtype: DnsQuestionType, signal?: AbortSignal) => Promise<{ rcode: string; answers: string[] }>;
