import type { MxPlan } from '../../protocol/index.ts';

/**
 * The mail server a task will speak to, as one key for politeness: the lowest address of the
 * most preferred MX hosts (the plan shuffles hosts of equal preference, so the key must not
 * depend on that order). Tasks of different domains with one key share a server — a Google
 * Workspace or Microsoft 365 tenant, a hosting provider — and must share its session limits.
 * A plan without addresses (nothing to dial) is keyed by its domain.
 */
export function mxKeyOf(plan: MxPlan): string {
  const best = Math.min(...plan.hosts.map((h) => h.preference));
  const addresses = plan.hosts.filter((h) => h.preference === best).flatMap((h) => h.addresses);
  if (addresses.length === 0) return `domain:${plan.domain}`;
  return addresses.reduce((a, b) => (b < a ? b : a));
}
