import { z } from 'zod';
import { ReasonCode } from './reasons.ts';

/** One piece of evidence from a plugin or a stage, the input of scoring. */
export const Signal = z.object({
  source: z.string().max(64),
  name: z.string().max(64),
  /** false when the producer failed (threw, timed out): "no opinion", never a verdict. */
  ok: z.boolean(),
  value: z.union([z.boolean(), z.number(), z.string().max(256), z.null()]),
  reason: ReasonCode.optional(),
  detail: z.string().max(512).optional(),
});
export type Signal = z.infer<typeof Signal>;

/**
 * A plugin's reading of an address's SMTP answer (provider knowledge: "this 250 proves nothing
 * here"), kept beside the SMTP stage's own outcome, which it never replaces: scoring weighs both.
 */
export const PluginReading = z.object({
  plugin: z.string().max(64),
  reason: ReasonCode,
  detail: z.string().max(300).optional(),
});
export type PluginReading = z.infer<typeof PluginReading>;
