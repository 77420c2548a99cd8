/**
 * Bench plumbing shared by every verifier under test: one delaying, counting TCP proxy per
 * world MX address (127.0.0.X:25 is reached as 127.0.1.X:25, 10 ms added each way), a
 * dns.lookup patch so the npm peers' `net.connect(25, mxName)` resolves world names through
 * the world's BIND and lands on the proxy, and a Dialer wrapper doing the same for BounceZero.
 * Bench-only: the product never maps addresses.
 */
import dns from 'node:dns';
import { startDelayProxy, type DelayProxy } from '../support/delay-proxy.ts';
import { BULK, DNS, LISTENERS } from '../world/world.ts';
import type { Dialer } from '../../prober/smtp/dialer.ts';

export const DELAY_MS = 10;

/** Every world address with a listener (127.0.0.24 refuses on purpose and stays unproxied). */
export const MX_ADDRESSES = [...new Set([...LISTENERS.map((l) => l.address), BULK.address])];

export function proxyAddressOf(address: string): string {
  return MX_ADDRESSES.includes(address) ? address.replace(/^127\.0\.0\./, '127.0.1.') : address;
}

export interface WorldProxies {
  byTarget: Map<string, DelayProxy>;
  /** Connections and client command lines summed over every proxy; the most connections one server had open at once. */
  totals(): { connections: number; commands: number; peakPerServer: number };
  close(): Promise<void>;
}

export async function startWorldProxies(delayMs = DELAY_MS): Promise<WorldProxies> {
  const byTarget = new Map<string, DelayProxy>();
  for (const target of MX_ADDRESSES) {
    const proxy = await startDelayProxy({ target: { host: target, port: 25 }, listen: { host: proxyAddressOf(target), port: 25 }, delayMs });
    byTarget.set(target, proxy);
  }
  return {
    byTarget,
    totals() {
      let connections = 0;
      let commands = 0;
      let peakPerServer = 0;
      for (const p of byTarget.values()) {
        connections += p.connections;
        commands += p.clientLines.length;
        peakPerServer = Math.max(peakPerServer, p.peakOpen);
      }
      return { connections, commands, peakPerServer };
    },
    close: async () => {
      for (const p of byTarget.values()) await p.close();
    },
  };
}

/** Points node's resolver at the world's BIND, world names mapped to the proxies. */
export function patchNodeDnsForWorld(): void {
  pointNodeDnsAt(`${DNS.bind.address}:${DNS.bind.port}`, proxyAddressOf);
}

/**
 * Points node's resolver at `server` (host:port) and makes dns.lookup answer from it, each
 * address passed through `map`. Non-loopback answers (private.test's 10.0.0.5) are refused
 * here, so no peer ever dials outside loopback.
 */
export function pointNodeDnsAt(server: string, map: (address: string) => string = (a) => a): void {
  dns.setServers([server]);
  const resolver = new dns.Resolver();
  resolver.setServers([server]);
  const original = dns.lookup;
  const patched = (hostname: string, options: unknown, callback?: unknown) => {
    const cb = (typeof options === 'function' ? options : callback) as (err: NodeJS.ErrnoException | null, address?: unknown, family?: number) => void;
    const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all === true;
    if (/^\d+\.\d+\.\d+\.\d+$/.test(hostname)) return reply(hostname);
    resolver.resolve4(hostname, (error, addresses) => {
      if (error || addresses.length === 0) return cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
      reply(addresses[0]!);
    });
    function reply(address: string) {
      if (!address.startsWith('127.')) return cb(Object.assign(new Error(`bench refuses non-loopback ${address}`), { code: 'ECONNREFUSED' }));
      const mapped = map(address);
      if (all) cb(null, [{ address: mapped, family: 4 }]);
      else cb(null, mapped, 4);
    }
  };
  (dns as { lookup: unknown }).lookup = Object.assign(patched, { __promisify__: original.__promisify__ });
}

/** BounceZero's prober dials the same proxies: the plan's address is mapped, nothing else changes. */
export function proxiedDialer(inner: Dialer): Dialer {
  return { dial: (address, port, options) => inner.dial(proxyAddressOf(address), port, options) };
}
