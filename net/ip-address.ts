/**
 * IP address text → number, strictly. Only the canonical spellings a DNS answer or an
 * operator would write are accepted: no octal or hex IPv4, no zone ids, no short forms
 * like "127.1", because lenient parsers are how SSRF guards get bypassed.
 */
export interface IpAddress {
  family: 4 | 6;
  /** The address as an unsigned integer (32 or 128 bits). */
  value: bigint;
}

const V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HEXTET = /^[0-9a-f]{1,4}$/i;

export function parseIpv4(text: string): IpAddress | null {
  const m = V4.exec(text);
  if (!m) return null;
  let value = 0n;
  for (let i = 1; i <= 4; i++) value = (value << 8n) | BigInt(Number(m[i]));
  return { family: 4, value };
}

export function parseIpv6(text: string): IpAddress | null {
  if (text.length > 45 || !text.includes(':')) return null;
  let head = text;
  let tailV4: IpAddress | null = null;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    tailV4 = parseIpv4(text.slice(lastColon + 1));
    if (!tailV4) return null;
    // The v4 tail fills the last two groups; a "::" right before it must survive the cut.
    head = text.slice(0, lastColon) + (text[lastColon - 1] === ':' ? ':' : '');
  }
  const groupsWanted = tailV4 ? 6 : 8;
  const parts = head.split('::');
  if (parts.length > 2) return null;
  const left = splitGroups(parts[0] ?? '');
  const right = parts.length === 2 ? splitGroups(parts[1] ?? '') : [];
  if (!left || !right) return null;
  const missing = groupsWanted - left.length - right.length;
  if (parts.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...left, ...Array<number>(missing).fill(0), ...right];
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  if (tailV4) value = (value << 32n) | tailV4.value;
  return { family: 6, value };
}

function splitGroups(text: string): number[] | null {
  if (text === '') return [];
  const out: number[] = [];
  for (const part of text.split(':')) {
    if (!HEXTET.test(part)) return null;
    out.push(parseInt(part, 16));
  }
  return out;
}

export function parseIp(text: string): IpAddress | null {
  return parseIpv4(text) ?? parseIpv6(text);
}

const MAPPED_PREFIX = 0xffffn << 32n;

/** ::ffff:a.b.c.d is the IPv4 address a.b.c.d on the wire: judge it as one. */
export function unmapIpv4(ip: IpAddress): IpAddress {
  if (ip.family === 6 && ip.value >> 32n === 0xffffn) return { family: 4, value: ip.value - MAPPED_PREFIX };
  return ip;
}
