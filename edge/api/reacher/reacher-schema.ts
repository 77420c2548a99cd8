import { z } from 'zod';

/**
 * The request and answer of Reacher's backend (`POST /v1/check_email`, and the deprecated
 * `/v0/check_email`), so its clients can point at BounceZero unchanged; checked against Reacher's
 * published OpenAPI schema (test/fixtures/reacher-openapi.json). Reacher's other request fields (from_email,
 * hello_name, proxy, smtp_port …) are accepted and ignored: the prober's settings apply.
 */
export const ReacherRequest = z.looseObject({
  to_email: z.string().max(4096),
});

export const ReacherResponse = z.object({
  input: z.string(),
  is_reachable: z.enum(['safe', 'risky', 'invalid', 'unknown']),
  misc: z.object({
    is_disposable: z.boolean(),
    is_role_account: z.boolean(),
    /** A free mailbox provider's address (Gmail, Yahoo, Outlook …), a consumer rather than a business. */
    is_b2c: z.boolean(),
    /** Left out when there is none, as Reacher does: its schema types it a string, never null. */
    gravatar_url: z.string().optional(),
    haveibeenpwned: z.boolean().optional(),
  }),
  mx: z.object({
    accepts_mail: z.boolean(),
    records: z.array(z.string()),
  }),
  smtp: z.object({
    can_connect_smtp: z.boolean(),
    has_full_inbox: z.boolean(),
    is_catch_all: z.boolean(),
    is_deliverable: z.boolean(),
    is_disabled: z.boolean(),
  }),
  syntax: z.object({
    address: z.string().nullable(),
    domain: z.string(),
    is_valid_syntax: z.boolean(),
    username: z.string(),
    normalized_email: z.string().nullable(),
    suggestion: z.string().nullable(),
  }),
  /** Not Reacher's: our own verdict, for clients that want more than is_reachable. */
  bouncezero: z.object({
    verdict: z.string(),
    reason: z.string(),
    score: z.number(),
    cached: z.boolean(),
  }),
});
export type ReacherResponse = z.infer<typeof ReacherResponse>;

/** Reacher's error body: one sentence, where our own API sends `{"error": {code, message}}`. */
export const ReacherError = z.object({ error: z.string() });
export type ReacherError = z.infer<typeof ReacherError>;
