import { cidr, cidrContains, type Cidr } from './cidr.ts';
import { parseIp, unmapIpv4, type IpAddress } from './ip-address.ts';

/**
 * The private-address guard: an MX is a name anyone can point anywhere, so an address it
 * resolves to is dialed only if it is ordinary public unicast, or inside an operator's
 * allow-list (BZ_ALLOW_NETS). Pure and dependency-free: the SMTP stage calls it again right
 * before it dials.
 */
const SPECIAL_V4: readonly [Cidr, string][] = [
  [cidr('0.0.0.0/8'), 'this_network'],
  [cidr('10.0.0.0/8'), 'private'],
  [cidr('100.64.0.0/10'), 'cgnat'],
  [cidr('127.0.0.0/8'), 'loopback'],
  [cidr('169.254.0.0/16'), 'link_local'],
  [cidr('172.16.0.0/12'), 'private'],
  [cidr('192.0.0.0/24'), 'ietf_protocol'],
  [cidr('192.0.2.0/24'), 'documentation'],
  [cidr('192.88.99.0/24'), 'relay_anycast'],
  [cidr('192.168.0.0/16'), 'private'],
  [cidr('198.18.0.0/15'), 'benchmarking'],
  [cidr('198.51.100.0/24'), 'documentation'],
  [cidr('203.0.113.0/24'), 'documentation'],
  [cidr('224.0.0.0/4'), 'multicast'],
  [cidr('240.0.0.0/4'), 'reserved'],
];

/** Everything outside 2000::/3 is special (loopback, ULA, link-local, multicast …): refused. */
const GLOBAL_UNICAST_V6 = cidr('2000::/3');
const SPECIAL_V6: readonly [Cidr, string][] = [
  [cidr('2001::/32'), 'teredo'],
  [cidr('2001:2::/48'), 'benchmarking'],
  [cidr('2001:10::/28'), 'orchid'],
  [cidr('2001:20::/28'), 'orchid'],
  [cidr('2001:db8::/32'), 'documentation'],
  [cidr('3fff::/20'), 'documentation'],
];
/** Prefixes that carry an IPv4 address a gateway would dial for us: judged by that address. */
const NAT64 = cidr('64:ff9b::/96');
const SIX_TO_FOUR = cidr('2002::/16');

/** Why an address may not be dialed ('invalid', 'loopback', 'private' …), or null if it is public. */
export function addressRange(address: string): string | null {
  const parsed = parseIp(address);
  if (!parsed) return 'invalid';
  return rangeOf(unmapIpv4(parsed));
}

function rangeOf(ip: IpAddress): string | null {
  if (ip.family === 4) return SPECIAL_V4.find(([net]) => cidrContains(net, ip))?.[1] ?? null;
  if (cidrContains(NAT64, ip)) return rangeOf({ family: 4, value: ip.value & 0xffff_ffffn });
  if (cidrContains(SIX_TO_FOUR, ip)) return rangeOf({ family: 4, value: (ip.value >> 80n) & 0xffff_ffffn });
  if (!cidrContains(GLOBAL_UNICAST_V6, ip)) return ip.value === 0n ? 'unspecified' : ip.value === 1n ? 'loopback' : 'special_v6';
  return SPECIAL_V6.find(([net]) => cidrContains(net, ip))?.[1] ?? null;
}

/** True when the address may be dialed: public unicast, or inside one of allowNets. */
export function isAddressAllowed(address: string, allowNets: readonly Cidr[]): boolean {
  const parsed = parseIp(address);
  if (!parsed) return false;
  const ip = unmapIpv4(parsed);
  if (allowNets.some((net) => cidrContains(net, ip))) return true;
  return rangeOf(ip) === null;
}
