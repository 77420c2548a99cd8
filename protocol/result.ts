import { z } from 'zod';
import { ReasonCode, Verdict } from './reasons.ts';
import { SyntaxCheck } from './syntax.ts';
import { MxPlan } from './mx-plan.ts';
import { CatchAllCheck, SmtpCheck } from './smtp.ts';
import { PluginReading, Signal } from './signals.ts';

/** Per-stage evidence: each stage that ran leaves its outcome here for the user to see. */
export const Checks = z.object({
  syntax: SyntaxCheck,
  dns: MxPlan.optional(),
  smtp: SmtpCheck.optional(),
  catch_all: CatchAllCheck.optional(),
  signals: z.array(Signal).default([]),
  /** Plugins' readings of the SMTP answer (checks.smtp stays what the server said); absent when none. */
  readings: z.array(PluginReading).optional(),
});
export type Checks = z.infer<typeof Checks>;

/** The answer of POST /v1/verify and of every job item: the public contract. */
export const VerificationResult = z.object({
  email: z.string(),
  normalized: z.string().nullable(),
  verdict: Verdict,
  reason: ReasonCode,
  score: z.number().min(0).max(1),
  /** Sentences a person can read, most important first. */
  reasons: z.array(z.string()).default([]),
  checks: Checks,
  cached: z.boolean().default(false),
  checked_at: z.string(),
});
export type VerificationResult = z.infer<typeof VerificationResult>;

export const VerifyRequest = z.object({
  email: z.string().max(4096),
  fresh: z.boolean().optional(),
});
export type VerifyRequest = z.infer<typeof VerifyRequest>;
