import {
  DECIDING_RULE_REASON,
  REASONS,
  verdictOf,
  type CatchAllCheck,
  type MxPlan,
  type PluginReading,
  type ReasonCode,
  type Signal,
  type SmtpCheck,
  type SyntaxCheck,
  type Verdict,
} from '../../protocol/index.ts';
import type { LearnedEstimate } from '../learning/learned-scorer.ts';
import { EVIDENCE, MODIFIERS, SIGNAL_CAP_VERDICTS, baseRule, type Modifier } from './rules.ts';

/** Everything the stages learned about one address; absent stages did not run. */
export interface ScoreInput {
  syntax: SyntaxCheck;
  plan?: MxPlan;
  smtp?: SmtpCheck;
  catchAll?: CatchAllCheck;
  /** Plugins' readings of the SMTP answer, beside it (the answer itself is never rewritten). */
  readings?: PluginReading[];
  signals?: Signal[];
  /** The SMTP stage could not run (no_prober, deadline_exceeded …). */
  failure?: ReasonCode;
  /** What observed outcomes at similar servers say (a trained model); absent, the rules' score stands. */
  learned?: LearnedEstimate | null;
}

/** How much of the final score the learned probability carries; the rules' score keeps the rest. */
const LEARNED_WEIGHT = 0.5;

export interface Score {
  verdict: Verdict;
  reason: ReasonCode;
  score: number;
  /** Sentences a person can read, the primary reason first. */
  reasons: string[];
}


/** The reason a plan decides on its own, or null when the plan leads to SMTP. */
export function planDecision(plan: MxPlan): ReasonCode | null {
  const byRule = DECIDING_RULE_REASON[plan.rule];
  return byRule ? (plan.reason ?? byRule) : null;
}

/**
 * What the SMTP answer means once the evidence beside it is weighed. An accepted RCPT on a
 * domain the catch-all probe saw accept strangers proves nothing: `catch_all`, a measurement of
 * this very domain, goes before a plugin's provider knowledge. Then the first plugin that reads
 * the answer otherwise (`accept_all_provider` …); else the server's own reason.
 */
export function smtpMeaning(input: Pick<ScoreInput, 'smtp' | 'catchAll' | 'readings'>): ReasonCode | undefined {
  const { smtp } = input;
  if (!smtp) return undefined;
  if (smtp.outcome === 'accepted' && input.catchAll?.status === 'yes') return 'catch_all';
  return input.readings?.[0]?.reason ?? smtp.reason;
}

/** The earliest stage that decided wins: syntax, then DNS, then a dispatch failure, then SMTP. */
function primaryReason(input: ScoreInput): ReasonCode {
  const { syntax, plan, failure } = input;
  // The broken rule (control characters included) is told in checks.syntax.rule, as syntax-only results do.
  if (!syntax.valid) return 'invalid_syntax';
  const decided = plan ? planDecision(plan) : null;
  if (decided) return decided;
  if (failure) return failure;
  return smtpMeaning(input) ?? 'internal_error';
}

function flagIsSet(m: Modifier, input: ScoreInput): boolean {
  if (m.flag === 'catch_all') return input.catchAll?.status === 'yes';
  if (m.flag === 'catch_all_open') return input.catchAll?.status === 'unknown' && input.catchAll.open === true;
  return input.syntax.flags[m.flag];
}

function replyText(smtp: SmtpCheck | undefined): string | null {
  if (!smtp?.reply) return null;
  return `The server answered: ${shortReply(smtp.reply)}`;
}

/** The control recipient's answer, which is what turned an ambiguous refusal into this reason. */
function controlText(smtp: SmtpCheck): string | null {
  return smtp.control ? `The control recipient ${smtp.control.address} got: ${shortReply(smtp.control.reply)}` : null;
}

function shortReply(reply: NonNullable<SmtpCheck['reply']>): string {
  const text = `${reply.code} ${reply.lines.join(' ')}`.trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** Turns a stage outcome into verdict, score and reasons, by the tables of rules.ts. */
export function score(input: ScoreInput): Score {
  let reason = primaryReason(input);
  let { verdict, score: value } = baseRule(reason, verdictOf(reason));
  const texts: string[] = [REASONS[reason].text];
  const add = (text: string) => {
    if (!texts.includes(text)) texts.push(text);
  };
  const lead = (text: string) => {
    const at = texts.indexOf(text);
    if (at >= 0) texts.splice(at, 1);
    texts.unshift(text);
  };
  // The server's reply explains the reason the SMTP stage decided, however the evidence read it.
  if (input.smtp && reason === smtpMeaning(input)) {
    for (const text of [input.smtp.detail ?? null, replyText(input.smtp), controlText(input.smtp)]) if (text) add(text);
  }
  if (input.syntax.valid) {
    for (const m of MODIFIERS) {
      if (!flagIsSet(m, input)) continue;
      value += m.delta;
      if (m.maxScore !== undefined) value = Math.min(value, m.maxScore);
      if (m.cap && verdict === 'deliverable') {
        verdict = m.cap.verdict;
        reason = m.cap.reason;
        lead(REASONS[reason].text);
      }
      add(m.cap ? REASONS[m.cap.reason].text : (m.text ?? ''));
    }
    for (const s of input.signals ?? []) {
      const evidence = s.ok && verdict !== 'undeliverable' ? EVIDENCE.find((e) => e.name === s.name && e.value === s.value) : undefined;
      if (evidence) {
        value += evidence.delta;
        add(evidence.text);
      }
      if (!s.ok || !s.reason) continue;
      if (verdict === 'deliverable' && SIGNAL_CAP_VERDICTS.includes(verdictOf(s.reason))) {
        verdict = verdictOf(s.reason);
        reason = s.reason;
        value = Math.min(value, baseRule(s.reason, verdict).score);
        lead(REASONS[reason].text);
      }
      add(s.detail ?? REASONS[s.reason].text);
    }
  }
  if (input.syntax.rule === 'control_character') add(REASONS.control_characters.text);
  if (input.syntax.suggestion) add(`Did you mean ${input.syntax.suggestion}?`);
  const ruled = Math.round(Math.min(1, Math.max(0, value)) * 100) / 100;
  const reasons = texts.filter((t) => t !== '');
  // A model adjusts confidence in what the SMTP stage saw; it never overrules a verdict (a 550 stays a 550).
  const { learned } = input;
  if (!learned || !input.smtp) return { verdict, reason, score: ruled, reasons };
  const where = learned.provider === 'other' ? 'similar servers' : learned.provider;
  return {
    verdict,
    reason,
    score: Math.round(((1 - LEARNED_WEIGHT) * ruled + LEARNED_WEIGHT * learned.p) * 1000) / 1000,
    reasons: [...reasons, `Observed outcomes at ${where} put delivery at ${Math.round(learned.p * 100)}%.`],
  };
}
