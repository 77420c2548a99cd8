import { z } from 'zod';

/**
 * The one registry of reason codes. Every code a result, a probe outcome or a
 * plugin signal can carry is listed here with the verdict it normally implies
 * and a sentence a person can read. Codes are stable: add, never rename.
 */
export const REASONS = {
  accepted: { verdict: 'deliverable', text: 'The mail server accepted the recipient.' },
  catch_all_pending: { verdict: 'risky', text: 'The server accepted the address, but whether the domain accepts every address is still open (its catch-all probes were greylisted); it is asked again.' },
  catch_all: { verdict: 'risky', text: 'The domain accepts every address, so this one cannot be confirmed.' },
  accept_all_provider: { verdict: 'risky', text: 'The provider accepts every recipient during SMTP; acceptance proves nothing.' },
  role_account: { verdict: 'risky', text: 'A role address (postmaster, info, sales …), often a shared inbox or a list.' },
  disposable: { verdict: 'risky', text: 'A disposable (throw-away) email domain.' },
  invalid_syntax: { verdict: 'undeliverable', text: 'The address is not a valid RFC 5321 mailbox.' },
  control_characters: { verdict: 'undeliverable', text: 'The address contains CR, LF, NUL or another control character.' },
  nxdomain: { verdict: 'undeliverable', text: 'The domain does not exist (NXDOMAIN).' },
  null_mx: { verdict: 'undeliverable', text: 'The domain publishes a null MX (RFC 7505): it accepts no mail.' },
  no_mx: { verdict: 'undeliverable', text: 'The domain has no MX record and no address to use as an implicit MX.' },
  mx_unresolvable: { verdict: 'undeliverable', text: 'No MX host of the domain resolves to an address.' },
  mailbox_not_found: { verdict: 'undeliverable', text: 'The mail server says the mailbox does not exist.' },
  mailbox_disabled: { verdict: 'undeliverable', text: 'The mail server says the mailbox is disabled or inactive.' },
  invalid_for_provider: { verdict: 'undeliverable', text: "The local part breaks the provider's own rules for addresses." },
  mailbox_full: { verdict: 'risky', text: 'The mailbox exists but is full; mail will soft-bounce until it is emptied.' },
  greylisted: { verdict: 'unknown', text: 'The server asked to try again later (greylisting); the address is retried.' },
  temporary_failure: { verdict: 'unknown', text: 'The server answered with a temporary failure.' },
  server_closing: { verdict: 'unknown', text: 'The server closed the session (421) before answering.' },
  blocked_by_server: { verdict: 'unknown', text: 'The server refused us (blocklist, policy or reputation), not the address.' },
  ambiguous_refusal: { verdict: 'unknown', text: 'The server refused the address without saying whether the mailbox or the sender was the problem, and the control recipient (postmaster@) could not settle it.' },
  relay_denied: { verdict: 'undeliverable', text: 'Every mail server of the domain refuses to take mail for it ("Relay access denied"): nobody can deliver there.' },
  provider_blocks_probes: { verdict: 'unknown', text: 'The provider is known to block verification probes; SMTP was skipped.' },
  smtputf8_unsupported: { verdict: 'undeliverable', text: 'The address needs SMTPUTF8 (RFC 6531) and no mail server of the domain offers it: mail to it bounces.' },
  mx_private_address: { verdict: 'unknown', text: 'The MX points into private, loopback or reserved address space; refused for safety.' },
  smtp_unreachable: { verdict: 'unknown', text: 'No MX host could be reached on the SMTP port.' },
  smtp_protocol_error: { verdict: 'unknown', text: 'The mail server spoke something that is not valid SMTP.' },
  smtp_timeout: { verdict: 'unknown', text: 'The mail server did not answer in time.' },
  dns_error: { verdict: 'unknown', text: 'DNS could not be resolved (every DoH endpoint failed).' },
  no_prober: { verdict: 'unknown', text: 'No prober agent is connected to run the SMTP check.' },
  prober_port25_blocked: { verdict: 'unknown', text: "The prober's outbound port 25 is blocked." },
  deadline_exceeded: { verdict: 'unknown', text: 'The check did not finish before its deadline.' },
  retry_budget_exhausted: { verdict: 'unknown', text: 'The server kept answering "try later" until the retry budget ran out.' },
  retry_deadline: { verdict: 'unknown', text: "The job's max_wait passed while the server still answered \"try later\"; the last reply is kept." },
  internal_error: { verdict: 'unknown', text: 'BounceZero failed internally; the check should be repeated.' },
  syntax_ok: { verdict: 'unknown', text: 'The address is well-formed; only its syntax was checked, so delivery is not known.' },
} as const satisfies Record<string, { verdict: Verdict; text: string }>;

export const VERDICTS = ['deliverable', 'undeliverable', 'risky', 'unknown'] as const;
export const Verdict = z.enum(VERDICTS);
export type Verdict = (typeof VERDICTS)[number];

export type ReasonCode = keyof typeof REASONS;
export const ReasonCode = z.enum(Object.keys(REASONS) as [ReasonCode, ...ReasonCode[]]);

export function verdictOf(reason: ReasonCode): Verdict {
  return REASONS[reason].verdict;
}
