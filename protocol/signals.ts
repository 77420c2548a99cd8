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
 * A stage's reading of the SMTP reply that a later stage replaced (the catch-all answer, a
 * plugin's provider knowledge): the earlier reason as the value, the later one's why as detail,
 * so the result keeps both. It carries no reason of its own, so it moves no score.
 */
export function smtpReading(source: string, earlier: ReasonCode, detail?: unknown): Signal {
  return { source, name: 'smtp_reading', ok: true, value: earlier, ...(detail === undefined ? {} : { detail: String(detail).slice(0, 200) }) };
}
