/**
 * An authoritative DNS server for the bench's own zone, on loopback: RFC 8484 DoH over HTTP (GET
 * and POST, wire format) for BounceZero, and plain UDP for the npm peers (node's resolver).
 * Names outside the zone are NXDOMAIN, so nothing the bench asks can leave the machine.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:http';
import dnsPacket from 'dns-packet';

export interface BenchRecord {
  name: string;
  type: 'MX' | 'A';
  /** MX: "PREF host"; A: an IPv4 address. */
  value: string;
}

export interface BenchDns {
  doh: string;
  udp: { address: string; port: number };
  /** Questions answered, both transports. */
  questions: number;
  close(): Promise<void>;
}

const SOA = { mname: 'ns.realistic.test', rname: 'hostmaster.realistic.test', serial: 1, refresh: 3600, retry: 600, expire: 86400, minimum: 60 };
const TTL = 300;

export async function startBenchDns(records: BenchRecord[], zone: string): Promise<BenchDns> {
  const byName = new Map<string, BenchRecord[]>();
  for (const r of records) byName.set(r.name.toLowerCase(), [...(byName.get(r.name.toLowerCase()) ?? []), r]);
  const state = { questions: 0 };

  // The answer depends on nothing in the query but what follows its ID, so a question asked
  // before is answered from here with only the ID patched: decoding and encoding every packet
  // cost the bench's world more CPU than anything else it serves.
  const answered = new Map<string, Buffer>();
  const answer = (query: Buffer): Buffer => {
    state.questions++;
    const key = query.toString('latin1', 2);
    const known = answered.get(key);
    if (known === undefined) {
      const fresh = encodeAnswer(query);
      answered.set(key, fresh);
      return fresh;
    }
    const copy = Buffer.from(known);
    copy[0] = query[0]!;
    copy[1] = query[1]!;
    return copy;
  };

  const encodeAnswer = (query: Buffer): Buffer => {
    const q = dnsPacket.decode(query);
    const question = q.questions?.[0];
    const name = question?.name.toLowerCase().replace(/\.$/, '') ?? '';
    const known = byName.get(name);
    const matching = (known ?? []).filter((r) => r.type === question?.type);
    const answers = matching.map((r) =>
      r.type === 'MX'
        ? { type: 'MX' as const, name, ttl: TTL, data: { preference: Number(r.value.split(' ')[0]), exchange: r.value.split(' ')[1]! } }
        : { type: 'A' as const, name, ttl: TTL, data: r.value },
    );
    return dnsPacket.encode({
      type: 'response',
      id: q.id,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | (known ? 0 : 3),
      questions: q.questions,
      answers,
      authorities: answers.length === 0 ? [{ type: 'SOA', name: zone, ttl: 60, data: SOA }] : [],
    });
  };

  const http = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://bench');
    let query: Buffer;
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      query = Buffer.concat(chunks);
    } else {
      query = Buffer.from(url.searchParams.get('dns') ?? '', 'base64url');
    }
    try {
      const body = answer(query);
      res.writeHead(200, { 'content-type': 'application/dns-message', 'content-length': body.length });
      res.end(body);
    } catch {
      res.writeHead(400).end();
    }
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  const udp = createSocket('udp4');
  udp.on('message', (msg, from) => {
    try {
      udp.send(answer(msg), from.port, from.address);
    } catch {
      // A malformed question gets no answer, as from a real server.
    }
  });
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', () => resolve()));
  return {
    doh: `http://127.0.0.1:${(http.address() as { port: number }).port}/dns-query`,
    udp: { address: '127.0.0.1', port: udp.address().port },
    get questions() { return state.questions; },
    close: async () => {
      udp.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
