import { z } from 'zod';
import { ReasonCode } from './reasons.ts';

export const DnsRecord = z.object({
  name: z.string(),
  type: z.string(),
  ttl: z.number().int().nonnegative(),
  data: z.string(),
});
export type DnsRecord = z.infer<typeof DnsRecord>;

export const MxHost = z.object({
  host: z.string().max(255),
  preference: z.number().int().min(0).max(65535),
  /** IPv4 and IPv6 addresses that passed the private-address guard, in dialing order. */
  addresses: z.array(z.string().max(64)).max(32),
  /** Addresses the guard refused, kept so the user can see why a host was skipped. */
  refused: z.array(z.string().max(64)).max(32).default([]),
});
export type MxHost = z.infer<typeof MxHost>;

/** Which rule of the MX resolution decided the plan. */
export const MX_RULES = ['mx', 'implicit_mx', 'null_mx', 'nxdomain', 'no_mx', 'mx_unresolvable', 'mx_private_address', 'dns_error'] as const;
export const MxRule = z.enum(MX_RULES);
export type MxRule = (typeof MX_RULES)[number];

/** The plan rules that decide a verdict on their own (no SMTP), and the reason each one means. */
export const DECIDING_RULE_REASON: Partial<Record<MxRule, ReasonCode>> = {
  null_mx: 'null_mx',
  nxdomain: 'nxdomain',
  no_mx: 'no_mx',
  mx_unresolvable: 'mx_unresolvable',
  mx_private_address: 'mx_private_address',
  dns_error: 'dns_error',
};

/** The input of the SMTP stage: where to deliver, in order, and how we know. */
export const MxPlan = z.object({
  domain: z.string().max(255),
  rule: MxRule,
  /** Set when the plan itself decides the verdict (null_mx, nxdomain …). */
  reason: ReasonCode.optional(),
  hosts: z.array(MxHost).max(64),
  /** Seconds the plan may be cached: the smallest TTL of the records used. */
  ttl: z.number().int().nonnegative(),
  records: z.array(DnsRecord).max(256),
  /** CNAMEs followed on the way, in order. */
  cnames: z.array(z.string()).max(16).default([]),
  /** For rule dns_error: what failed, endpoint by endpoint, for a person to read. */
  error: z.string().max(2000).optional(),
});
export type MxPlan = z.infer<typeof MxPlan>;
