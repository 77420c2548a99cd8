import { z } from 'zod';

/** What a sender saw happen to mail sent to an address. */
export const OutcomeKind = z.enum(['delivered', 'hard_bounce', 'soft_bounce']);
export type OutcomeKind = z.infer<typeof OutcomeKind>;

export const MAX_OUTCOMES_PER_REQUEST = 10_000;

/** POST /v1/outcomes: delivery outcomes users observed, the learner's ground truth. */
export const OutcomesRequest = z.object({
  outcomes: z
    .array(
      z.object({
        email: z.string().min(3).max(320),
        outcome: OutcomeKind,
        /** When it was observed (ISO 8601); now when absent. */
        observed_at: z.iso.datetime({ offset: true }).optional(),
      }),
    )
    .min(1)
    .max(MAX_OUTCOMES_PER_REQUEST),
});
export type OutcomesRequest = z.infer<typeof OutcomesRequest>;

export const OutcomesResponse = z.object({
  stored: z.number().int().nonnegative(),
  /** Stored, but with no verification of ours to learn from (never checked, or the cache expired). */
  without_verification: z.number().int().nonnegative(),
  invalid: z.number().int().nonnegative(),
});
export type OutcomesResponse = z.infer<typeof OutcomesResponse>;
