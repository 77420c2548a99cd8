import type { DnsAnswer, DnsQuestion } from '../agent/agent-session.ts';
import type { Doctor } from '../agent/agent.ts';
import type { SmtpReply } from '../../protocol/index.ts';
import type { ProviderBlock } from '../pool/provider-backoff.ts';
import { heloNameProblem } from './helo-name.ts';
import { ptrName, reversedLabels, sameName } from './reverse-name.ts';

export type Check = { name: string; ok: boolean; detail: string };
export type Lookup = (name: string, qtype: DnsQuestion) => Promise<DnsAnswer>;

/** Can a TCP connection to address:port be opened? The doctor needs no more than that. */
export type PortProbe = (address: string, port: number, timeoutMs: number) => Promise<{ ok: true } | { ok: false; failure: string }>;

export interface DoctorOptions {
  probe: PortProbe;
  /** BZ_DOCTOR_HOSTS, `host:port`; empty turns the port-25 check off. */
  hosts: string[];
  /** BZ_DNSBL_ZONES; empty turns the blocklist check off. */
  dnsblZones: string[];
  /** The name the prober says in EHLO (BZ_HELO_NAME); unset skips the FCrDNS check. */
  heloName: string | undefined;
  dialTimeoutMs?: number;
  /** The provider back-offs in effect (prober/pool/provider-backoff.ts); unset skips that check. */
  providerBlocks?: () => readonly ProviderBlock[];
  /** Refusals of our HELO name the engine has seen (prober/pool/helo-refusals.ts); unset skips that check. */
  heloRefusals?: () => { count: number; last?: { host: string; reply: SmtpReply } };
  /** Told of each failing HELO check, every time the doctor runs (the first time is at start). */
  warn?: (check: Check) => void;
}

/**
 * The prober's self-check: can it reach port 25 at all, is its EHLO name a fully-qualified name
 * that resolves to its egress address and does the PTR of that address name it back (FCrDNS), is
 * that address on a blocklist; and what servers told the engine about us: refusals of our HELO
 * name, providers that refused our IP. Every DNS question goes to the edge's resolver; the agent
 * has none of its own.
 */
export function createDoctor(options: DoctorOptions): Doctor {
  return async ({ observedAddress, lookup }) => {
    const [port25, fcrdns, dnsbl] = await Promise.all([
      checkPort25(options, lookup),
      checkFcrdns(options.heloName, observedAddress, lookup),
      checkDnsbl(options.dnsblZones, observedAddress, lookup),
    ]);
    const checks = [...port25.checks, ...checkHeloName(options.heloName), ...fcrdns, ...checkHeloRefusals(options), ...dnsbl, ...checkProviderBlocks(options)];
    for (const check of checks) if (!check.ok && check.name.startsWith('helo')) options.warn?.(check);
    return { port25: port25.reachable, checks };
  };
}

function checkHeloName(heloName: string | undefined): Check[] {
  if (!heloName) return [];
  const problem = heloNameProblem(heloName);
  return [{ name: 'helo_fqdn', ok: !problem, detail: problem ?? `${heloName} is a fully-qualified name` }];
}

function checkHeloRefusals(options: DoctorOptions): Check[] {
  if (!options.heloRefusals) return [];
  const { count, last } = options.heloRefusals();
  if (count === 0 || !last) return [{ name: 'helo_refused', ok: true, detail: 'no server has refused our HELO name' }];
  const name = options.heloName ? ` ${JSON.stringify(options.heloName)}` : '';
  const detail = `${count} refusal(s) of our HELO name${name}, the last from ${last.host}: ${replyText(last.reply)}; set BZ_HELO_NAME to a fully-qualified name that resolves to this prober's address`;
  return [{ name: 'helo_refused', ok: false, detail: detail.slice(0, 512) }];
}

function checkProviderBlocks(options: DoctorOptions): Check[] {
  if (!options.providerBlocks) return [];
  const blocks = options.providerBlocks();
  if (blocks.length === 0) return [{ name: 'provider_backoff', ok: true, detail: 'no provider has refused our IP' }];
  const each = blocks.map((b) => `${b.provider} until ${new Date(b.until).toISOString()} (back-off #${b.strikes}; ${b.refusal ? `${b.refusal.host}: ${replyText(b.refusal.reply)}` : 'kept by the edge across a restart'})`);
  return [{ name: 'provider_backoff', ok: false, detail: `every MX of these providers is left alone: ${each.join('; ')}`.slice(0, 512) }];
}

function replyText(reply: SmtpReply): string {
  return `${reply.code} ${reply.lines.join(' ')}`.slice(0, 160);
}

async function checkPort25(options: DoctorOptions, lookup: Lookup): Promise<{ reachable: boolean | null; checks: Check[] }> {
  if (options.hosts.length === 0) return { reachable: null, checks: [] };
  const tried: string[] = [];
  let dialed = 0;
  for (const entry of options.hosts) {
    const cut = entry.lastIndexOf(':');
    const host = entry.slice(0, cut).replace(/^\[|\]$/g, '');
    const port = Number(entry.slice(cut + 1));
    const answer = reversedLabels(host) ? null : await lookup(host, 'A');
    const address = answer ? answer.answers[0] : host;
    if (!address) {
      tried.push(`${entry}: does not resolve (${answer?.rcode ?? 'no answer'})`);
      continue;
    }
    dialed++;
    const out = await options.probe(address, port, options.dialTimeoutMs ?? 10_000);
    if (out.ok) {
      return { reachable: true, checks: [{ name: 'port25', ok: true, detail: `connected to ${entry}` }] };
    }
    tried.push(`${entry}: ${out.failure}`);
  }
  // No host could even be dialed (DNS failing, offline): that says nothing of port 25. Unknown
  // keeps the prober taking work, so it serves as soon as DNS answers again, not at the next run.
  if (dialed === 0) return { reachable: null, checks: [{ name: 'port25', ok: false, detail: `not checked: no host to dial resolves (DNS failing?): ${tried.join('; ')}`.slice(0, 512) }] };
  return { reachable: false, checks: [{ name: 'port25', ok: false, detail: `outbound SMTP blocked? ${tried.join('; ')}`.slice(0, 512) }] };
}

async function checkFcrdns(heloName: string | undefined, address: string, lookup: Lookup): Promise<Check[]> {
  const ptr = ptrName(address);
  if (!heloName || !ptr) return [];
  const v6 = reversedLabels(address)?.v6 ?? false;
  const forward = await lookup(heloName, v6 ? 'AAAA' : 'A');
  const reverse = await lookup(ptr, 'PTR');
  const forwardOk = forward.answers.includes(address);
  const reverseOk = reverse.answers.some((name) => sameName(name, heloName));
  return [
    {
      name: 'helo_resolves',
      ok: forwardOk,
      detail: forwardOk ? `${heloName} resolves to ${address}` : `${heloName} resolves to ${forward.answers.join(', ') || forward.rcode}, not to the egress address ${address}`,
    },
    {
      name: 'fcrdns',
      ok: reverseOk,
      detail: reverseOk ? `PTR of ${address} is ${heloName}` : `PTR of ${address} is ${reverse.answers.join(', ') || reverse.rcode}, not ${heloName}`,
    },
  ];
}

async function checkDnsbl(zones: string[], address: string, lookup: Lookup): Promise<Check[]> {
  const reversed = reversedLabels(address);
  if (!reversed) return [];
  return Promise.all(
    zones.map(async (zone): Promise<Check> => {
      const answer = await lookup(`${reversed.labels}.${zone}`, 'A');
      const name = `dnsbl:${zone}`.slice(0, 64);
      if (answer.rcode === 'NXDOMAIN' || (answer.rcode === 'NOERROR' && answer.answers.length === 0)) return { name, ok: true, detail: `${address} is not listed` };
      if (answer.rcode === 'NOERROR') return { name, ok: false, detail: `${address} is listed (${answer.answers.join(', ')})` };
      return { name, ok: false, detail: `could not check: ${answer.rcode}` };
    }),
  );
}
