/**
 * SOCKS5 messages (RFC 1928) and username/password sub-negotiation (RFC 1929), as pure
 * encoders and incremental decoders: a decoder given too few bytes says 'more', so the dialer
 * can feed it whatever the socket delivered so far and never misreads a truncated reply.
 */
import type { DialFailure } from '../smtp/dialer.ts';

export const METHOD_NONE = 0x00;
export const METHOD_USERPASS = 0x02;
const NO_ACCEPTABLE = 0xff;

export type Decoded<T> = { kind: 'more' } | { kind: 'bad'; detail: string } | ({ kind: 'ok'; used: number } & T);

export function encodeGreeting(withPassword: boolean): Uint8Array {
  return withPassword ? Uint8Array.of(5, 2, METHOD_NONE, METHOD_USERPASS) : Uint8Array.of(5, 1, METHOD_NONE);
}

export function decodeMethodChoice(buf: Uint8Array): Decoded<{ method: number }> {
  if (buf.length < 2) return { kind: 'more' };
  if (buf[0] !== 5) return { kind: 'bad', detail: 'the proxy does not speak SOCKS5' };
  if (buf[1] === NO_ACCEPTABLE) return { kind: 'bad', detail: 'the proxy accepts none of our authentication methods' };
  return { kind: 'ok', used: 2, method: buf[1]! };
}

/** RFC 1929 request; the caller has checked both fields fit in 255 bytes. */
export function encodeUserPass(user: Uint8Array, password: Uint8Array): Uint8Array {
  return Uint8Array.of(1, user.length, ...user, password.length, ...password);
}

export function decodeUserPassReply(buf: Uint8Array): Decoded<{ accepted: boolean }> {
  if (buf.length < 2) return { kind: 'more' };
  if (buf[0] !== 1) return { kind: 'bad', detail: 'malformed username/password reply' };
  return { kind: 'ok', used: 2, accepted: buf[1] === 0 };
}

/** CONNECT to an IP address (ATYP 1 or 4); names are never sent, so the proxy resolves nothing. */
export function encodeConnect(address: Uint8Array, port: number): Uint8Array {
  const atyp = address.length === 4 ? 1 : 4;
  return Uint8Array.of(5, 1, 0, atyp, ...address, port >> 8, port & 0xff);
}

export function decodeConnectReply(buf: Uint8Array): Decoded<{ rep: number }> {
  if (buf.length < 5) return { kind: 'more' };
  if (buf[0] !== 5) return { kind: 'bad', detail: 'malformed CONNECT reply' };
  const atyp = buf[3];
  const addressLength = atyp === 1 ? 4 : atyp === 4 ? 16 : atyp === 3 ? 1 + buf[4]! : -1;
  if (addressLength < 0) return { kind: 'bad', detail: `unknown address type ${atyp} in CONNECT reply` };
  const used = 4 + addressLength + 2;
  return buf.length < used ? { kind: 'more' } : { kind: 'ok', used, rep: buf[1]! };
}

/** RFC 1928 §6 reply codes, as the session's dial failures. */
export function connectFailure(rep: number): { failure: DialFailure; detail: string } {
  const known: Record<number, [DialFailure, string]> = {
    1: ['proxy_error', 'general SOCKS server failure'],
    2: ['proxy_error', 'connection not allowed by the proxy ruleset'],
    3: ['unreachable', 'network unreachable (from the proxy)'],
    4: ['unreachable', 'host unreachable (from the proxy)'],
    5: ['refused', 'connection refused (by the target, through the proxy)'],
    6: ['unreachable', 'TTL expired (from the proxy)'],
    7: ['proxy_error', 'command not supported by the proxy'],
    8: ['proxy_error', 'address type not supported by the proxy'],
  };
  const [failure, detail] = known[rep] ?? ['proxy_error', `unknown SOCKS5 reply code ${rep}`];
  return { failure, detail };
}

/** The 4 or 16 bytes of an IPv4 or IPv6 literal, or undefined if it is neither. */
export function ipBytes(address: string): Uint8Array | undefined {
  return ipv4Bytes(address) ?? ipv6Bytes(address);
}

function ipv4Bytes(address: string): Uint8Array | undefined {
  const parts = address.split('.');
  if (parts.length !== 4) return undefined;
  const bytes = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : 256));
  return bytes.every((b) => b <= 255) ? Uint8Array.from(bytes) : undefined;
}

function ipv6Bytes(address: string): Uint8Array | undefined {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const halves = bare.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string | undefined): number[] | undefined => {
    if (!half) return [];
    const out: number[] = [];
    for (const part of half.split(':')) {
      if (part.includes('.')) {
        const v4 = ipv4Bytes(part);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-f]{1,4}$/i.test(part)) out.push(parseInt(part, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<number>(halves.length === 1 ? 0 : missing).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}
