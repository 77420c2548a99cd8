import { REASONS } from './reasons.ts';

/**
 * Row states that are not reasons of a result but still need words wherever reasons are shown
 * (the page, exports): a job cancelled before the address was checked.
 */
export const ROW_STATE_WORDS = {
  cancelled: 'The job was cancelled before this address was checked.',
} as const;

/**
 * A reason code in words, for the page, the exports and the CLI: the registry's sentence, the
 * sentence of a row state, or the code itself for a code this build does not know (a newer
 * prober's, a plugin's) so nothing is ever shown blank.
 */
export function reasonWords(code: string): string {
  if (Object.hasOwn(REASONS, code)) return REASONS[code as keyof typeof REASONS].text;
  if (Object.hasOwn(ROW_STATE_WORDS, code)) return ROW_STATE_WORDS[code as keyof typeof ROW_STATE_WORDS];
  return code;
}

/** Every code with its words, for clients that render reasons themselves (the web page). */
export function reasonWordTable(): Record<string, string> {
  return Object.fromEntries([...Object.keys(REASONS), ...Object.keys(ROW_STATE_WORDS)].map((code) => [code, reasonWords(code)]));
}
