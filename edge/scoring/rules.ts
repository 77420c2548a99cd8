import type { ReasonCode, SyntaxFlags, Verdict } from '../../protocol/index.ts';

/**
 * Scoring is data. The primary reason picks a verdict and a base score (how likely mail to the
 * address is delivered, 0–1); flags and signals then move the score and may cap the verdict.
 * To change how BounceZero judges, edit these tables, not the code that reads them.
 */
export interface BaseRule {
  verdict: Verdict;
  score: number;
}

/** Reasons whose base score differs from the default of their verdict. */
const BASE_SCORE_BY_VERDICT: Record<Verdict, number> = { deliverable: 0.95, risky: 0.5, unknown: 0.4, undeliverable: 0.02 };

export const BASE_SCORE: Partial<Record<ReasonCode, number>> = {
  invalid_syntax: 0,
  control_characters: 0,
  nxdomain: 0,
  null_mx: 0,
  no_mx: 0.01,
  mailbox_full: 0.3,
  catch_all: 0.55,
  accept_all_provider: 0.55,
  greylisted: 0.5,
  blocked_by_server: 0.5,
  provider_blocks_probes: 0.5,
  smtp_unreachable: 0.2,
  mx_private_address: 0.2,
};

export function baseRule(reason: ReasonCode, verdict: Verdict): BaseRule {
  return { verdict, score: BASE_SCORE[reason] ?? BASE_SCORE_BY_VERDICT[verdict] };
}

/**
 * A flag of stage 1 (or the catch-all probe) that moves the score and, with `cap`, keeps a
 * would-be `deliverable` at `risky` and names the flag as the primary reason.
 */
export interface Modifier {
  flag: keyof SyntaxFlags | 'catch_all' | 'catch_all_open';
  delta: number;
  /** The score never exceeds this while the flag is set, whatever the verdict. */
  maxScore?: number;
  cap?: { verdict: 'risky'; reason: ReasonCode };
  /** Shown to the user when the flag is set and no reason code already says it. */
  text?: string;
}

export const MODIFIERS: Modifier[] = [
  // A catch-all domain accepts every RCPT, so acceptance proves nothing: never `deliverable`.
  { flag: 'catch_all', delta: 0, maxScore: 0.55, cap: { verdict: 'risky', reason: 'catch_all' } },
  // Probes greylisted: an acceptance is not yet worth a checked one's confidence.
  { flag: 'catch_all_open', delta: 0, maxScore: 0.6, cap: { verdict: 'risky', reason: 'catch_all_pending' } },
  { flag: 'disposable', delta: -0.3, maxScore: 0.4, cap: { verdict: 'risky', reason: 'disposable' } },
  { flag: 'role', delta: -0.1, maxScore: 0.7, cap: { verdict: 'risky', reason: 'role_account' } },
  { flag: 'free_provider', delta: 0, text: 'A free mailbox provider: anyone can open an address there.' },
  { flag: 'smtputf8', delta: -0.05, text: 'The address needs SMTPUTF8, which not every sender supports.' },
];

/** A signal reason of these verdicts caps `deliverable` the same way a flag does. */
export const SIGNAL_CAP_VERDICTS: Verdict[] = ['risky'];

/**
 * Evidence from plugins and edge-side feeds that moves the score but never the verdict: a
 * catch-all or accept-everything answer stays `risky` whatever an avatar says, because such
 * evidence shows the address was used once, not that its mailbox takes mail today.
 */
export interface Evidence {
  /** Signal name (any source) and the value that counts. */
  name: string;
  value: boolean;
  delta: number;
  text: string;
}

export const EVIDENCE: Evidence[] = [
  { name: 'has_avatar', value: true, delta: 0.1, text: 'A Gravatar profile uses this address: a person has used it.' },
  { name: 'breached', value: true, delta: 0.05, text: 'The address appears in a known breach: it was in use.' },
  { name: 'in_directory', value: true, delta: 0.1, text: "The organisation's directory lists this address." },
  { name: 'in_directory', value: false, delta: -0.2, text: "The organisation's directory does not list this address." },
];
