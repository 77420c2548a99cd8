import { z } from 'zod';

/** The rule of the RFC 5321 Mailbox grammar (or a length limit) that an address broke. */
export const SYNTAX_RULES = [
  'empty',
  'control_character',
  'no_at_sign',
  'local_part_empty',
  'local_part_too_long',
  'local_part_invalid_character',
  'local_part_dot_placement',
  'quoted_string_unterminated',
  'quoted_string_invalid_character',
  'domain_empty',
  'domain_too_long',
  'domain_label_empty',
  'domain_label_too_long',
  'domain_label_hyphen',
  'domain_invalid_character',
  'domain_idn_invalid',
  'domain_single_label',
  'domain_numeric_tld',
  'address_literal_invalid',
  'address_too_long',
  'trailing_characters',
  'invalid_unicode',
] as const;
export const SyntaxRule = z.enum(SYNTAX_RULES);
export type SyntaxRule = (typeof SYNTAX_RULES)[number];

export const SyntaxFlags = z.object({
  address_literal: z.boolean(),
  smtputf8: z.boolean(),
  role: z.boolean(),
  disposable: z.boolean(),
  free_provider: z.boolean(),
});
export type SyntaxFlags = z.infer<typeof SyntaxFlags>;

export const SyntaxCheck = z.object({
  valid: z.boolean(),
  /** The broken rule and the 0-based code-unit index where it was found; absent when valid. */
  rule: SyntaxRule.optional(),
  position: z.number().int().nonnegative().optional(),
  /** local@domain with the domain as a lower-cased A-label; null when invalid. */
  normalized: z.string().nullable(),
  local_part: z.string().nullable(),
  /** The domain as an A-label, or the bracketed address literal. */
  domain: z.string().nullable(),
  /** The domain as the user typed it, when it differs from the A-label (an IDN). */
  domain_unicode: z.string().optional(),
  flags: SyntaxFlags,
  /** A likely intended address (gmial.com → gmail.com). A hint only: never changes the verdict. */
  suggestion: z.string().optional(),
});
export type SyntaxCheck = z.infer<typeof SyntaxCheck>;
