import dnsPacket from 'dns-packet';
import type { DnsRecord } from '../../protocol/index.ts';
import { MAX_RECORDS, normalizeName, ttlOf, type DnsMessage, type Question } from './dns-message.ts';

/**
 * RFC 1035 wire format through `dns-packet`, the one module that touches it. dns-packet works
 * on Node's Buffer (toString, readUInt16BE …), so this file is the edge's only user of the
 * global `Buffer`: Node has it, and so does Deno (its Node compatibility layer), which is where
 * the edge runs outside Node. A browser build would need a Buffer polyfill here and nowhere else.
 */

/** A query with id 0 (RFC 8484 §4.1: keeps GET answers cacheable) and recursion desired. */
export function encodeQuery(question: Question): Uint8Array<ArrayBuffer> {
  const bytes = dnsPacket.encode({
    type: 'query',
    id: 0,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name: question.name, type: question.type, class: 'IN' }],
  });
  return Uint8Array.from(bytes);
}

/** Decodes a response; any malformation (short, bad pointer, bad rdata) is a string, never a throw. */
export function decodeMessage(bytes: Uint8Array): DnsMessage | string {
  if (bytes.length < 12) return 'shorter than a DNS header';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records = view.getUint16(6) + view.getUint16(8) + view.getUint16(10);
  // Counted before decoding so a hostile header cannot make us walk thousands of records.
  if (view.getUint16(4) !== 1) return `${view.getUint16(4)} questions`;
  if (records > MAX_RECORDS) return `${records} records`;
  let decoded: dnsPacket.DecodedPacket & { rcode?: string };
  try {
    decoded = dnsPacket.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    return e instanceof Error ? e.message : 'undecodable';
  }
  return {
    response: decoded.flag_qr,
    truncated: decoded.flag_tc,
    rcode: decoded.rcode ?? 'UNKNOWN',
    questions: (decoded.questions ?? []).map((q) => ({ name: q.name, type: q.type })),
    answers: toRecords(decoded.answers ?? []),
    authorities: toRecords(decoded.authorities ?? []),
  };
}

function toRecords(answers: dnsPacket.Answer[]): DnsRecord[] {
  const out: DnsRecord[] = [];
  for (const a of answers) {
    if (a.type === 'OPT' || (a.class !== undefined && a.class !== 'IN')) continue;
    const data = presentation(a);
    if (data !== null) out.push({ name: normalizeName(a.name), type: a.type, ttl: ttlOf(a.ttl ?? 0), data });
  }
  return out;
}

/** Presentation format of the types we read; other types are dropped. */
function presentation(a: dnsPacket.Answer): string | null {
  switch (a.type) {
    case 'A':
    case 'AAAA':
      return a.data;
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return normalizeName(a.data);
    case 'MX':
      return `${a.data.preference} ${normalizeName(a.data.exchange)}`;
    case 'SOA': {
      const s = a.data;
      return `${normalizeName(s.mname)} ${normalizeName(s.rname)} ${s.serial} ${s.refresh} ${s.retry} ${s.expire} ${s.minimum}`;
    }
    case 'TXT': {
      const parts = Array.isArray(a.data) ? a.data : [a.data];
      return parts.map((p) => JSON.stringify(typeof p === 'string' ? p : new TextDecoder().decode(p))).join(' ');
    }
    default:
      return null;
  }
}
