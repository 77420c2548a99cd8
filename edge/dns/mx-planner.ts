import { DECIDING_RULE_REASON, type DnsRecord, type MxHost, type MxPlan, type MxRule, type Random } from '../../protocol/index.ts';
import { isAddressAllowed } from '../../net/address-guard.ts';
import type { Cidr } from '../../net/cidr.ts';
import { isQueryableName, normalizeName } from './dns-message.ts';
import { parseIp } from '../../net/ip-address.ts';
import { lookup, type CachedQuery, type Lookup, type QueryOptions } from './lookup.ts';
import { orderMx, type MxTarget } from './mx-order.ts';

export interface PlannerDeps {
  query: CachedQuery;
  random: Random;
  allowNets: readonly Cidr[];
}

/** MX hosts considered, and addresses per host: enough for any real domain, bounded for hostile ones. */
const MAX_HOSTS = 16;
const MAX_ADDRESSES = 32;

/**
 * Stage 2: domain → MxPlan. Two waves of questions for a normal domain: the MX, then A and
 * AAAA of every host at once. Hosts listed in a plan are those with at least one address we
 * may dial (refused ones listed beside them); a mx_private_address plan lists the hosts
 * whose every address was refused, so a person can see why.
 */
export async function planMx(domain: string, deps: PlannerDeps, options: QueryOptions): Promise<MxPlan> {
  const literal = addressLiteral(domain.trim());
  if (literal !== undefined) return planLiteral(domain.trim(), literal, deps);
  const name = normalizeName(domain.trim());
  const plan = new PlanBuilder(name);
  if (!isQueryableName(name)) return plan.error(`"${domain.slice(0, 300)}" is not a domain name we can look up`);
  const mx = await lookup(deps.query, name, 'MX', options);
  plan.use(mx);
  if (mx.status === 'error') return plan.error(mx.failure.detail);
  if (mx.status !== 'found') {
    return mx.status === 'nxdomain' ? plan.done('nxdomain') : resolveHosts(plan, [{ host: name, preference: 0 }], 'implicit_mx', deps, options);
  }
  const targets = mx.records.flatMap((r) => parseMx(r.data) ?? []);
  if (targets.length === 1 && targets[0]?.host === '.') return plan.done('null_mx');
  // RFC 7505 §4.3: a "." beside real MX records is ignored; so are names no resolver would take.
  const usable = targets.filter((t) => isQueryableName(t.host));
  return resolveHosts(plan, orderMx(usable, deps.random).slice(0, MAX_HOSTS), 'mx', deps, options);
}

async function resolveHosts(plan: PlanBuilder, targets: MxTarget[], rule: 'mx' | 'implicit_mx', deps: PlannerDeps, options: QueryOptions): Promise<MxPlan> {
  const resolved = await Promise.all(
    targets.map(async (t) => ({ target: t, found: await Promise.all([lookup(deps.query, t.host, 'A', options), lookup(deps.query, t.host, 'AAAA', options)]) })),
  );
  const dialable: MxHost[] = [];
  const refusedOnly: MxHost[] = [];
  const errors: string[] = [];
  for (const { target, found } of resolved) {
    found.forEach((l) => plan.use(l));
    const all = [...new Set(found.flatMap((l) => (l.status === 'found' ? l.records.map((r) => r.data) : [])))].filter((a) => parseIp(a) !== null);
    const host: MxHost = {
      host: target.host,
      preference: target.preference,
      addresses: all.filter((a) => isAddressAllowed(a, deps.allowNets)).slice(0, MAX_ADDRESSES),
      refused: all.filter((a) => !isAddressAllowed(a, deps.allowNets)).slice(0, MAX_ADDRESSES),
    };
    if (host.addresses.length > 0) dialable.push(host);
    else if (host.refused.length > 0) refusedOnly.push(host);
    else errors.push(...found.flatMap((l) => (l.status === 'error' ? [l.failure.detail] : [])));
  }
  if (dialable.length > 0) return plan.done(rule, dialable);
  // A host we could not resolve might have been dialable: only DNS working everywhere proves otherwise.
  if (errors.length > 0) return plan.error(errors.join('; '));
  if (refusedOnly.length > 0) return plan.done('mx_private_address', refusedOnly);
  return plan.done(rule === 'mx' ? 'mx_unresolvable' : 'no_mx');
}

/** The IP of an RFC 5321 address literal ("[192.0.2.1]", "[IPv6:2001:db8::1]"); null when bracketed but no IP; undefined when no literal. */
function addressLiteral(domain: string): string | null | undefined {
  if (!domain.startsWith('[') || !domain.endsWith(']')) return undefined;
  const inner = domain.slice(1, -1);
  const ip = /^ipv6:/i.test(inner) ? inner.slice(5) : inner;
  return parseIp(ip) === null ? null : ip;
}

/** An address literal is its own MX (RFC 5321 §5.1): no DNS at all, the private-address guard all the same. */
function planLiteral(domain: string, ip: string | null, deps: PlannerDeps): MxPlan {
  const plan = new PlanBuilder(domain);
  if (ip === null) return plan.done('no_mx');
  const host: MxHost = { host: domain, preference: 0, addresses: [], refused: [] };
  (isAddressAllowed(ip, deps.allowNets) ? host.addresses : host.refused).push(ip);
  return host.addresses.length > 0 ? plan.done('implicit_mx', [host]) : plan.done('mx_private_address', [host]);
}

function parseMx(data: string): MxTarget | null {
  const m = /^(\d{1,5}) (\S+)$/.exec(data);
  return m ? { preference: Number(m[1]), host: m[2] ?? '' } : null;
}


/** Collects what the lookups used (records, CNAMEs, TTLs) and caps it to what MxPlan allows. */
class PlanBuilder {
  private readonly records: DnsRecord[] = [];
  private readonly cnames: string[] = [];
  private ttl = Number.MAX_SAFE_INTEGER;

  constructor(private readonly domain: string) {}

  use(l: Lookup): void {
    for (const r of [...l.chain, ...(l.status === 'found' ? l.records : [])]) {
      if (!this.records.some((x) => x.name === r.name && x.type === r.type && x.data === r.data)) this.records.push(r);
    }
    for (const c of l.chain) if (!this.cnames.includes(c.data)) this.cnames.push(c.data);
    if (l.status !== 'error') this.ttl = Math.min(this.ttl, l.ttl);
  }

  done(rule: MxRule, hosts: MxHost[] = []): MxPlan {
    const ttl = this.ttl === Number.MAX_SAFE_INTEGER ? 0 : this.ttl;
    const plan: MxPlan = { domain: this.domain.slice(0, 255), rule, hosts, ttl, records: this.records.slice(0, 256), cnames: this.cnames.slice(0, 16) };
    const reason = DECIDING_RULE_REASON[rule];
    return reason ? { ...plan, reason } : plan;
  }

  error(detail: string): MxPlan {
    return { ...this.done('dns_error'), ttl: 0, error: detail.slice(0, 2000) };
  }
}
