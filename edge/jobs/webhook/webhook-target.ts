import { addressRange, isAddressAllowed } from '../../../net/address-guard.ts';
import type { Cidr } from '../../../net/cidr.ts';
import { parseIp } from '../../../net/ip-address.ts';

/** A host name's IPv4 and IPv6 addresses (the edge's DoH client in production); an empty list when it has none. */
export type HostAddresses = (host: string) => Promise<string[]>;

/** `address`: the one the delivery must connect to, vetted here (see WebhookFetch). */
export type TargetCheck = { ok: true; address: string } | { ok: false; retry: boolean; error: string };

/**
 * May a delivery go to this URL? The same private-address guard as MX hosts: a callback is a URL
 * anyone with a key can choose, so its host must resolve to public unicast only (or into
 * BZ_ALLOW_NETS), or the edge would post into its own network for them.
 */
export async function checkWebhookTarget(url: URL, hostAddresses: HostAddresses, allowNets: readonly Cidr[]): Promise<TargetCheck> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: string[];
  if (parseIp(host)) addresses = [host];
  else {
    try {
      addresses = await hostAddresses(host);
    } catch (error) {
      return { ok: false, retry: true, error: `could not resolve ${host}: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  if (addresses.length === 0) return { ok: false, retry: true, error: `${host} has no address` };
  const refused = addresses.find((a) => !isAddressAllowed(a, allowNets));
  if (refused) return { ok: false, retry: false, error: `${host} resolves to ${refused} (${addressRange(refused) ?? 'refused'} address space); callbacks go to public addresses only unless BZ_ALLOW_NETS allows it` };
  return { ok: true, address: addresses[0]! };
}
