/**
 * The realistic bench's world, as data: 200 domains, each with its own mail server on its own
 * loopback address, five addresses a domain, a quarter of the domains catch-all. What every
 * address should verify as is decided here, never by a verifier.
 */
import type { Verdict } from './bench-addresses.ts';

export const REALISTIC = {
  domains: 200,
  perDomain: 5,
  /**
   * Each domain's MX answers on port 25 of its own address in 127.0.16.0–127.0.255.255, 254 to a
   * /24, so up to 60,960 domains (127.0.0.x is the Postfix world, 127.0.1.x its proxies, 127.0.3.x
   * and 127.0.5.x other benches).
   */
  network: '127.0.16.0/20,127.0.32.0/19,127.0.64.0/18,127.0.128.0/17',
  delayMs: 25,
} as const;

export interface RealisticDomain {
  name: string;
  mxHost: string;
  mxAddress: string;
  catchAll: boolean;
}

export interface RealisticAddress {
  email: string;
  expected: Verdict;
  /** The MX address (one per domain here): what the peers' politeness groups by. */
  server: string;
}

export function realisticDomains(count: number = REALISTIC.domains): RealisticDomain[] {
  if (count > 240 * 254) throw new Error('the realistic world has 240 /24s of MX addresses');
  return Array.from({ length: count }, (_, i) => {
    const name = `shop${String(i).padStart(3, '0')}.realistic.test`;
    return { name, mxHost: `mx.${name}`, mxAddress: `127.0.${16 + Math.floor(i / 254)}.${(i % 254) + 1}`, catchAll: i % 4 === 3 };
  });
}

/** Local parts that exist on every domain start with "user"; every other one is unknown. */
export function mailboxExists(local: string): boolean {
  return /^user\d+$/.test(local);
}

/** Per domain: three mailboxes that exist, two that do not (on a catch-all server all five are accepted). */
export function realisticAddresses(domains: RealisticDomain[], perDomain: number = REALISTIC.perDomain): RealisticAddress[] {
  const list: RealisticAddress[] = [];
  for (const [i, d] of domains.entries()) {
    for (let j = 0; j < perDomain; j++) {
      const exists = j % 5 < 3;
      const local = exists ? `user${(i * 7 + j) % 1000}` : `gone${i}x${j}`;
      const expected: Verdict = d.catchAll ? 'risky' : exists ? 'deliverable' : 'undeliverable';
      list.push({ email: `${local}@${d.name}`, expected, server: d.mxAddress });
    }
  }
  return list;
}
