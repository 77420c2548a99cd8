import dnsPacket from 'dns-packet';
import type { ZoneRecord } from '../../world/world.ts';

/**
 * An in-process DoH server for unit tests: answers RFC 8484 GET/POST (and the JSON API) from a
 * zone the way an authoritative server does (CNAMEs chased inside the zone, NODATA and
 * NXDOMAIN with the SOA in the authority section). Each endpoint can be told to misbehave.
 */
export type Behaviour =
  | 'ok'
  | 'dead'
  | 'hang'
  | 'trickle'
  | 'garbage'
  | 'servfail'
  | 'http500'
  | 'html'
  | 'json-only'
  | 'wrong-question'
  | 'qr0'
  | 'truncated'
  | 'cut'
  | 'pointer-loop'
  | 'oversized';

export interface Call {
  endpoint: string;
  method: string;
  url: string;
  name: string;
  type: string;
  json: boolean;
  /** Critical-path depth: 1 + the deepest call that had finished when this one started. */
  wave: number;
}

export const SOA = { mname: 'ns.test', rname: 'hostmaster.test', serial: 1, refresh: 3600, retry: 600, expire: 86400, minimum: 60 };

export class FakeDoh {
  calls: Call[] = [];
  behaviour: Record<string, Behaviour> = {};
  soaTtl = 300;
  private finished: number[] = [];

  constructor(public records: ZoneRecord[]) {}

  readonly fetch = async (input: string, init: RequestInit): Promise<Response> => {
    const url = new URL(input);
    const endpoint = `${url.origin}${url.pathname}`;
    const behaviour = this.behaviour[endpoint] ?? 'ok';
    const q = await question(url, init);
    const wave = 1 + Math.max(0, ...this.finished);
    this.calls.push({ endpoint, method: init.method ?? 'GET', url: input, name: q.name, type: q.type, json: q.json, wave });
    // Answer on a later turn of the event loop, as a network would: what is asked together overlaps.
    await new Promise((r) => setImmediate(r));
    const done = <T>(value: T): T => {
      this.finished.push(wave);
      return value;
    };
    switch (behaviour) {
      case 'dead':
        done(0);
        throw new TypeError('fetch failed: connect ECONNREFUSED');
      case 'hang':
        return new Promise<Response>(() => {});
      case 'trickle':
        return new Response(trickle(), { headers: { 'content-type': 'application/dns-message' } });
      case 'http500':
        return done(new Response('oops', { status: 500, headers: { 'content-type': 'text/plain' } }));
      case 'html':
        return done(new Response('<html></html>', { headers: { 'content-type': 'text/html' } }));
      case 'garbage':
        return done(wire(Uint8Array.from({ length: 40 }, (_, i) => (i * 37 + 11) & 0xff)));
      case 'json-only':
        if (!q.json) return done(new Response('use JSON', { status: 415 }));
        break;
    }
    if (q.json) return done(jsonResponse(this.answer(q.name, q.type)));
    const packet = this.answer(q.name, q.type);
    switch (behaviour) {
      case 'servfail':
        return done(wire(dnsPacket.encode({ ...packet, answers: [], authorities: [], flags: 2 })));
      case 'wrong-question':
        return done(wire(dnsPacket.encode({ ...packet, questions: [{ name: `other.${q.name}`, type: q.type as 'A' }] })));
      case 'qr0':
        return done(wire(dnsPacket.encode({ ...packet, type: 'query' })));
      case 'truncated':
        return done(wire(dnsPacket.encode({ ...packet, flags: dnsPacket.TRUNCATED_RESPONSE })));
      case 'cut': {
        const bytes = dnsPacket.encode(packet);
        return done(wire(bytes.subarray(0, bytes.length - 3)));
      }
      case 'pointer-loop':
        return done(wire(pointerLoop(q.name, q.type)));
      case 'oversized':
        return done(wire(new Uint8Array(70_000)));
      default:
        return done(wire(dnsPacket.encode(packet)));
    }
  };

  /** What an authoritative server for the zone answers. */
  answer(name: string, type: string): dnsPacket.Packet {
    const answers: dnsPacket.Answer[] = [];
    let current = name.toLowerCase();
    for (let hops = 0; hops < 10; hops++) {
      const own = this.records.filter((r) => r.name === current);
      const hits = own.filter((r) => r.type === type);
      if (hits.length > 0) {
        answers.push(...hits.map(toAnswer));
        break;
      }
      const cname = own.find((r) => r.type === 'CNAME');
      if (!cname) break;
      answers.push(toAnswer(cname));
      current = cname.value;
    }
    const exists = this.records.some((r) => r.name === current || r.name.endsWith(`.${current}`));
    const negative = answers.length === 0 || answers.at(-1)?.type === 'CNAME';
    return {
      type: 'response',
      id: 0,
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (negative && !exists ? 3 : 0),
      questions: [{ name, type: type as 'A', class: 'IN' }],
      answers,
      authorities: negative ? [{ name: 'test', type: 'SOA', ttl: this.soaTtl, data: SOA }] : [],
    };
  }

  count(filter: Partial<Call> = {}): number {
    return this.calls.filter((c) => Object.entries(filter).every(([k, v]) => c[k as keyof Call] === v)).length;
  }
}

function toAnswer(r: ZoneRecord): dnsPacket.Answer {
  const ttl = r.ttl ?? 3600;
  switch (r.type) {
    case 'MX': {
      const [pref = '0', exchange = '.'] = r.value.split(' ');
      return { name: r.name, type: 'MX', ttl, data: { preference: Number(pref), exchange } };
    }
    case 'TXT':
      return { name: r.name, type: 'TXT', ttl, data: r.value };
    default:
      return { name: r.name, type: r.type as 'A', ttl, data: r.value };
  }
}

async function question(url: URL, init: RequestInit): Promise<{ name: string; type: string; json: boolean }> {
  if (url.searchParams.has('name')) return { name: url.searchParams.get('name') ?? '', type: url.searchParams.get('type') ?? '', json: true };
  const dns = url.searchParams.get('dns');
  const bytes = dns ? Buffer.from(dns, 'base64url') : Buffer.from(init.body as Uint8Array);
  const q = dnsPacket.decode(bytes).questions?.[0];
  return { name: q?.name ?? '', type: q?.type ?? '', json: false };
}

function wire(bytes: Uint8Array): Response {
  return new Response(Uint8Array.from(bytes), { headers: { 'content-type': 'application/dns-message' } });
}

const TYPE_NUMBERS: Record<string, number> = { A: 1, NS: 2, CNAME: 5, SOA: 6, MX: 15, TXT: 16, AAAA: 28 };

function jsonResponse(packet: dnsPacket.Packet): Response {
  const record = (a: dnsPacket.Answer) => {
    const d = (a as { data?: unknown }).data;
    const data =
      a.type === 'MX' ? `${(d as { preference: number }).preference} ${(d as { exchange: string }).exchange}.`
      : a.type === 'SOA' ? `${SOA.mname}. ${SOA.rname}. ${SOA.serial} ${SOA.refresh} ${SOA.retry} ${SOA.expire} ${SOA.minimum}`
      : String(d);
    return { name: `${a.name}.`, type: TYPE_NUMBERS[a.type] ?? 0, TTL: 'ttl' in a ? a.ttl : 0, data };
  };
  const q = packet.questions?.[0];
  const body = {
    Status: (packet.flags ?? 0) & 0xf,
    TC: false,
    Question: [{ name: `${q?.name}.`, type: TYPE_NUMBERS[q?.type ?? ''] ?? 0 }],
    Answer: (packet.answers ?? []).map(record),
    Authority: (packet.authorities ?? []).map(record),
  };
  return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/dns-json' } });
}

/** One byte, then nothing, forever: only a timeout ends the read. */
function trickle(): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream({
    pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(new Uint8Array([0]));
        return;
      }
      return new Promise(() => {});
    },
  });
}

/**
 * A response whose answer's owner name is a compression pointer to the next two bytes, which
 * point back to it: a loop a naive decoder would follow forever.
 */
export function pointerLoop(name: string, type: string): Uint8Array {
  const head = dnsPacket.encode({ type: 'response', id: 0, flags: 1 << 15, questions: [{ name, type: type as 'A' }] });
  const bytes = new Uint8Array(head.length + 14);
  bytes.set(head);
  bytes[2] = 0x80; // QR = 1
  bytes[7] = 1; // ANCOUNT = 1
  const at = head.length;
  bytes[at] = 0xc0 | ((at + 2) >> 8);
  bytes[at + 1] = (at + 2) & 0xff;
  bytes[at + 2] = 0xc0 | (at >> 8);
  bytes[at + 3] = at & 0xff;
  return bytes;
}
