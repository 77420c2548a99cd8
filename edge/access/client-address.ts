import type { Context } from 'hono';
import type { GetConnInfo } from 'hono/conninfo';
import { cidrContains, parseCidr, type Cidr } from '../../net/cidr.ts';
import { parseIp } from '../../net/ip-address.ts';

/** Who is calling, as far as the edge can tell without believing what it should not. */
export interface Caller {
  /** The client's address: the TCP peer, or what a trusted proxy says it forwarded for. */
  address: string | undefined;
  /** The request came straight from loopback, or via trusted proxies from a loopback client. */
  local: boolean;
}

export type CallerOf = (c: Context) => Caller;

/** 127.0.0.0/8, ::1 and their IPv4-mapped form. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4) || address === '::1';
}

const FORWARDING = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

/**
 * BZ_TRUST_PROXY is the only way a forwarding header counts. The client is the right-most
 * X-Forwarded-For entry that is not itself a trusted proxy (the left part is whatever the client
 * chose to send). A request carrying a forwarding header from a peer that is NOT trusted was
 * relayed by something we know nothing about, so it is never "local" — a reverse proxy on
 * loopback must not turn every visitor into a loopback caller.
 */
export function callerOf(connInfo: GetConnInfo | undefined, trustProxy: string[]): CallerOf {
  const trusted = trustProxy.map((item) => parseCidr(item.includes('/') ? item : `${item}/${item.includes(':') ? 128 : 32}`)).filter((n): n is Cidr => typeof n !== 'string');
  const isTrusted = (address: string) => {
    const ip = parseIp(address);
    return ip !== null && trusted.some((net) => cidrContains(net, ip));
  };
  return (c) => {
    const peer = unmapped(connInfo?.(c).remote.address);
    const relayed = FORWARDING.some((h) => c.req.header(h) !== undefined);
    if (!peer) return { address: undefined, local: false };
    if (!relayed) return { address: peer, local: isLoopback(peer) };
    if (!isTrusted(peer)) return { address: peer, local: false };
    const hops = (c.req.header('x-forwarded-for') ?? '').split(',').map((s) => unmapped(s.trim())).filter((s): s is string => !!s && parseIp(s) !== null);
    let client = peer;
    while (hops.length > 0 && isTrusted(client)) client = hops.pop()!;
    return { address: client, local: isLoopback(client) };
  };
}

function unmapped(address: string | undefined): string | undefined {
  if (!address) return undefined;
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
