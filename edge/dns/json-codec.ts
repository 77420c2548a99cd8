import { z } from 'zod';
import type { DnsRecord } from '../../protocol/index.ts';
import { normalizeName, ttlOf, type DnsMessage } from './dns-message.ts';

/**
 * The JSON API (`application/dns-json`, `?name=&type=`) that some resolvers offer beside or
 * instead of RFC 8484. Parsed into the same DnsMessage as the wire format, so one judge
 * applies to both.
 */
const TYPE_NAMES: Record<number, string> = { 1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA' };
const RCODES: Record<number, string> = { 0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED' };

const JsonRecord = z.object({ name: z.string().max(300), type: z.number().int(), TTL: z.number().optional(), data: z.string().max(4096) });
const JsonAnswer = z.object({
  Status: z.number().int(),
  TC: z.boolean().optional(),
  Question: z.array(z.object({ name: z.string().max(300), type: z.number().int() })).max(4).optional(),
  Answer: z.array(JsonRecord).max(1024).optional(),
  Authority: z.array(JsonRecord).max(1024).optional(),
});

export function decodeJson(text: string): DnsMessage | string {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  const parsed = JsonAnswer.safeParse(raw);
  if (!parsed.success) return 'not a DNS JSON answer';
  const a = parsed.data;
  return {
    // The JSON API has no QR bit: an object with a Status is the server's answer.
    response: true,
    truncated: a.TC === true,
    rcode: RCODES[a.Status] ?? `RCODE${a.Status}`,
    questions: (a.Question ?? []).map((q) => ({ name: q.name, type: TYPE_NAMES[q.type] ?? String(q.type) })),
    answers: toRecords(a.Answer ?? []),
    authorities: toRecords(a.Authority ?? []),
  };
}

function toRecords(records: z.infer<typeof JsonRecord>[]): DnsRecord[] {
  const out: DnsRecord[] = [];
  for (const r of records) {
    const type = TYPE_NAMES[r.type];
    const data = type ? presentation(type, r.data.trim()) : null;
    if (type && data !== null) out.push({ name: normalizeName(r.name), type, ttl: ttlOf(r.TTL ?? 0), data });
  }
  return out;
}

function presentation(type: string, data: string): string | null {
  switch (type) {
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return normalizeName(data);
    case 'MX': {
      const m = /^(\d{1,5})\s+(\S+)$/.exec(data);
      return m && Number(m[1]) <= 65535 ? `${Number(m[1])} ${normalizeName(m[2] ?? '')}` : null;
    }
    case 'SOA': {
      const f = data.split(/\s+/);
      return f.length === 7 ? [normalizeName(f[0] ?? ''), normalizeName(f[1] ?? ''), ...f.slice(2)].join(' ') : null;
    }
    default:
      return data;
  }
}
