import { parseIp, unmapIpv4, type IpAddress } from './ip-address.ts';

/** A network: the address with host bits cleared, and the prefix length. */
export interface Cidr {
  family: 4 | 6;
  base: bigint;
  bits: number;
}

export type CidrListParse = { ok: true; nets: Cidr[] } | { ok: false; error: string };

export function parseCidr(text: string): Cidr | string {
  const [addr = '', bits, extra] = text.split('/');
  const parsed = parseIp(addr);
  if (!parsed) return `"${text}" is not an IPv4 or IPv6 network (a.b.c.d/n or x:y::/n)`;
  const ip = unmapIpv4(parsed);
  const width = ip.family === 4 ? 32 : 128;
  const offset = parsed.family === 6 && ip.family === 4 ? 96 : 0;
  if (extra !== undefined || bits === undefined || !/^\d{1,3}$/.test(bits) || Number(bits) > width + offset || Number(bits) < offset) {
    return `"${text}" needs a prefix length /0–/${parsed.family === 4 ? 32 : 128}`;
  }
  return network(ip, Number(bits) - offset);
}

/** Host bits are cleared rather than refused: "127.0.0.1/8" plainly means 127.0.0.0/8. */
function network(ip: IpAddress, bits: number): Cidr {
  const width = ip.family === 4 ? 32n : 128n;
  const host = width - BigInt(bits);
  return { family: ip.family, base: (ip.value >> host) << host, bits };
}

/** BZ_ALLOW_NETS: CIDRs separated by commas and/or white space; empty text is an empty list. */
export function parseCidrList(text: string): CidrListParse {
  const nets: Cidr[] = [];
  for (const item of text.split(/[\s,]+/).filter((s) => s !== '')) {
    const net = parseCidr(item);
    if (typeof net === 'string') return { ok: false, error: `BZ_ALLOW_NETS: ${net}` };
    nets.push(net);
  }
  return { ok: true, nets };
}

export function cidrContains(net: Cidr, ip: IpAddress): boolean {
  if (net.family !== ip.family) return false;
  const host = BigInt((ip.family === 4 ? 32 : 128) - net.bits);
  return ip.value >> host === net.base >> host;
}

/** For literal tables: parseCidr that insists the text is right. */
export function cidr(text: string): Cidr {
  const net = parseCidr(text);
  if (typeof net === 'string') throw new Error(net);
  return net;
}
