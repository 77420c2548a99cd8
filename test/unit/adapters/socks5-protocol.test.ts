import { describe, expect, it } from 'vitest';
import { decodeConnectReply, encodeConnect, ipBytes } from '../../../prober/adapters/socks5-protocol.ts';
import { parseSocks5Url } from '../../../prober/adapters/socks5-url.ts';

describe('ipBytes', () => {
  it.each([
    ['127.0.0.20', [127, 0, 0, 20]],
    ['::1', [...Array<number>(15).fill(0), 1]],
    ['[::1]', [...Array<number>(15).fill(0), 1]],
    ['::', Array<number>(16).fill(0)],
    ['2001:db8::1', [0x20, 0x01, 0x0d, 0xb8, ...Array<number>(11).fill(0), 1]],
    ['fe80:0:0:0:0:0:0:ab', [0xfe, 0x80, ...Array<number>(13).fill(0), 0xab]],
    ['::ffff:127.0.0.1', [...Array<number>(10).fill(0), 0xff, 0xff, 127, 0, 0, 1]],
  ])('reads %s', (address, bytes) => {
    expect([...ipBytes(address)!]).toEqual(bytes);
  });

  it.each(['256.0.0.1', '1.2.3', 'mx.example.com', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '::g', '1:2:3:4:5:6:7::8', ''])('refuses %s', (address) => {
    expect(ipBytes(address)).toBeUndefined();
  });
});

describe('CONNECT messages', () => {
  it('puts the port in network order', () => {
    expect([...encodeConnect(Uint8Array.of(10, 0, 0, 1), 2525)]).toEqual([5, 1, 0, 1, 10, 0, 0, 1, 0x09, 0xdd]);
  });

  it('asks for more until the whole reply is there, then says how much it used', () => {
    const reply = [5, 0, 0, 4, ...Array<number>(16).fill(1), 0, 25, 0x32];
    for (let n = 0; n < 22; n++) expect(decodeConnectReply(Uint8Array.from(reply.slice(0, n))).kind).toBe('more');
    expect(decodeConnectReply(Uint8Array.from(reply))).toEqual({ kind: 'ok', used: 22, rep: 0 });
  });
});

describe('parseSocks5Url', () => {
  it('reads host, port and credentials, with the default port', () => {
    const parsed = parseSocks5Url('socks5://bz:bz-secret@127.0.0.1:1080');
    expect(parsed.ok && parsed.proxy.host).toBe('127.0.0.1');
    expect(parsed.ok && new TextDecoder().decode(parsed.proxy.auth!.password)).toBe('bz-secret');
    expect(parseSocks5Url('socks5://[::1]')).toEqual({ ok: true, proxy: { host: '::1', port: 1080 } });
    expect(parseSocks5Url('proxy.internal:9050')).toEqual({ ok: true, proxy: { host: 'proxy.internal', port: 9050 } });
  });
});
