import { getDomain } from 'tldts';

/**
 * The provider an MX host belongs to: its registered domain by the Public Suffix List bundled with
 * tldts (ICANN section; an unknown top-level label counts as one, so `mx1.provider.test` is
 * `provider.test`). An address literal or a single label is its own provider. A refusal of our
 * IP by one host is its provider's verdict, shared by all its hosts: the prober backs off by
 * provider, and the edge sends a provider's tasks to a prober not backing off from it.
 */
export function mailProviderOf(host: string): string {
  const name = host.toLowerCase().replace(/\.$/, '');
  return getDomain(name) ?? name;
}
