/**
 * The bench's scripted DNS server (test/bench/bench-dns.ts) on loopback, over UDP and DoH: a
 * question asked again gets the same answer under its own ID.
 */
import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import { startBenchDns, type BenchDns } from '../../bench/bench-dns.ts';

let dns: BenchDns;
beforeAll(async () => {
  dns = await startBenchDns([{ name: 'a.bench.test', type: 'MX', value: '10 mx.a.bench.test' }, { name: 'mx.a.bench.test', type: 'A', value: '127.0.5.1' }], 'bench.test');
});
afterAll(() => dns.close());

const query = (id: number, name: string, type: 'MX' | 'A') => dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name }] });

async function udp(packet: Buffer): Promise<Buffer> {
  const socket = createSocket('udp4');
  try {
    return await new Promise<Buffer>((resolve) => {
      socket.once('message', resolve);
      socket.send(packet, dns.udp.port, dns.udp.address);
    });
  } finally {
    socket.close();
  }
}

async function doh(packet: Buffer, method: 'GET' | 'POST'): Promise<Buffer> {
  const res = method === 'GET'
    ? await fetch(`${dns.doh}?dns=${packet.toString('base64url')}`)
    : await fetch(dns.doh, { method, headers: { 'content-type': 'application/dns-message' }, body: new Uint8Array(packet) });
  expect(res.headers.get('content-type')).toBe('application/dns-message');
  return Buffer.from(await res.arrayBuffer());
}

describe('bench DNS server', () => {
  it('answers a question asked again, on either transport, with the same answer under the asker\'s ID', async () => {
    const before = dns.questions;
    const first = await udp(query(1, 'a.bench.test', 'MX'));
    const again = [await udp(query(0xbeef, 'a.bench.test', 'MX')), await doh(query(7, 'a.bench.test', 'MX'), 'GET'), await doh(query(0, 'a.bench.test', 'MX'), 'POST')];
    expect(dns.questions - before).toBe(4);
    expect(again.map((a) => dnsPacket.decode(a).id)).toEqual([0xbeef, 7, 0]);
    for (const a of again) expect(a.subarray(2)).toEqual(first.subarray(2));
    expect(dnsPacket.decode(first)).toMatchObject({ id: 1, rcode: 'NOERROR', answers: [{ type: 'MX', name: 'a.bench.test', data: { preference: 10, exchange: 'mx.a.bench.test' } }] });
  });

  it('tells questions apart by name and type: an A, a name it has no A for, a name outside its records', async () => {
    const a = dnsPacket.decode(await udp(query(2, 'mx.a.bench.test', 'A')));
    expect(a).toMatchObject({ rcode: 'NOERROR', answers: [{ type: 'A', data: '127.0.5.1' }] });
    const noA = dnsPacket.decode(await udp(query(3, 'a.bench.test', 'A')));
    expect(noA).toMatchObject({ rcode: 'NOERROR', answers: [], authorities: [{ type: 'SOA', name: 'bench.test' }] });
    const unknown = dnsPacket.decode(await doh(query(4, 'b.bench.test', 'MX'), 'GET'));
    expect(unknown).toMatchObject({ id: 4, rcode: 'NXDOMAIN', answers: [] });
  });
});
