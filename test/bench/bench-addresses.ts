/**
 * The address list the peers bench verifies: every expectation of the world (each behaviour
 * it has) plus bulk domains with mailboxes that exist and ones that do not. The expected
 * class of each address comes from world.ts, never from a verifier.
 */
import { BULK, bulkDomain, bulkMailbox, EXPECTATIONS, type Expectation } from '../world/world.ts';

export type Verdict = Expectation['verdict'];
export const CLASSES: readonly Verdict[] = ['deliverable', 'undeliverable', 'risky', 'unknown'];

export interface BenchAddress {
  email: string;
  expected: Verdict;
  /** The world address the bench groups by (peers: at most N connections per server). */
  server: string;
}

/** Which listener (or none) a world domain's mail lands on first, for grouping only. */
function serverOf(email: string): string {
  const domain = email.split('@')[1] ?? '';
  if (domain.startsWith('bulk-')) return BULK.address;
  const first: Record<string, string> = {
    'world.test': '127.0.0.20', 'partial.test': '127.0.0.20', 'cname.test': '127.0.0.20', 'alias.test': '127.0.0.20',
    'catchall.test': '127.0.0.21', 'grey.test': '127.0.0.22', 'nopipe.test': '127.0.0.23', 'failover.test': '127.0.0.24',
    'blocked.test': '127.0.0.26', 'implicit.test': '127.0.0.27', 'equal.test': '127.0.0.28',
  };
  return first[domain] ?? 'none';
}

export function benchAddresses(options: { bulkDomains: number; existing: number; missing: number }): BenchAddress[] {
  const list: BenchAddress[] = EXPECTATIONS.map((e) => ({ email: e.email, expected: e.verdict, server: serverOf(e.email) }));
  for (let i = 0; i < Math.min(options.bulkDomains, BULK.domains); i++) {
    const domain = bulkDomain(i);
    for (let j = 0; j < options.existing; j++) list.push({ email: `${bulkMailbox((i * 7 + j) % BULK.mailboxes)}@${domain}`, expected: 'deliverable', server: BULK.address });
    for (let j = 0; j < options.missing; j++) list.push({ email: `gone${j}.${i}@${domain}`, expected: 'undeliverable', server: BULK.address });
  }
  return list;
}
