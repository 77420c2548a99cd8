import { wordsOf } from './reply-text.ts';

/** Longest delay believed: a server asking for more than a day is not greylisting. */
export const MAX_RETRY_AFTER_S = 86_400;

const UNIT_SECONDS = new Map<string, number>([
  ...['s', 'sec', 'secs', 'second', 'seconds'].map((u) => [u, 1] as const),
  ...['m', 'min', 'mins', 'minute', 'minutes'].map((u) => [u, 60] as const),
  ...['h', 'hr', 'hrs', 'hour', 'hours'].map((u) => [u, 3600] as const),
]);

/** Words that introduce a wait: "in 300 seconds", "for 60 seconds", "wait 2 min", "at least 5 minutes". */
const CUES = new Set(['in', 'for', 'after', 'wait', 'least', 'than', 'retry', 'again']);

/**
 * The delay a temporary reply asks for, in seconds, from normalized text (see reply-text.ts):
 * "try again in 300 seconds", "Greylisted for 60 seconds", "retry in 5 minutes", "wait 2 min",
 * "try again in 4 minutes and 58 seconds" (summed), "300s". Undefined when the text names none
 * (postgrey's default "Greylisted, see http://…" does not) or the figure is not in (0, 86400].
 */
export function retryAfterSeconds(normalized: string): number | undefined {
  const words = wordsOf(normalized);
  for (let i = 0; i < words.length; i++) {
    if (!CUES.has(words[i] ?? '')) continue;
    const total = durationAt(words, i + 1);
    if (total !== undefined) return total > 0 && total <= MAX_RETRY_AFTER_S ? total : undefined;
  }
  return undefined;
}

/** Sums "N unit [and] N unit …" starting at words[start]; undefined if no figure starts there. */
function durationAt(words: readonly string[], start: number): number | undefined {
  let total: number | undefined;
  let i = start;
  while (i < words.length) {
    const pair = amountAt(words, i);
    if (!pair) break;
    total = (total ?? 0) + pair.seconds;
    i += pair.used;
    if (words[i] === 'and') i++;
  }
  return total;
}

function amountAt(words: readonly string[], i: number): { seconds: number; used: number } | undefined {
  const word = words[i] ?? '';
  let digits = 0;
  while (digits < word.length && digits < 7 && word[digits]! >= '0' && word[digits]! <= '9') digits++;
  if (digits === 0) return undefined;
  const n = Number(word.slice(0, digits));
  const suffix = word.slice(digits);
  if (suffix !== '') {
    const unit = UNIT_SECONDS.get(suffix);
    return unit === undefined ? undefined : { seconds: n * unit, used: 1 };
  }
  const unit = UNIT_SECONDS.get(words[i + 1] ?? '');
  return unit === undefined ? undefined : { seconds: n * unit, used: 2 };
}
