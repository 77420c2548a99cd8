import { meter } from './meter.ts';

/** Longest string compared; longer ones are never within reach of a provider domain anyway. */
const MAX_LENGTH = 64;
// Three rows reused by every call: fixed size, so nothing grows with the input.
let twoBack = new Int32Array(MAX_LENGTH + 1);
let oneBack = new Int32Array(MAX_LENGTH + 1);
let current = new Int32Array(MAX_LENGTH + 1);

/**
 * Optimal string alignment distance (Damerau–Levenshtein without re-editing a transposed pair)
 * when it is at most `max`, else `max + 1`. Rows stop as soon as no cell can come back under
 * the bound, so unrelated strings cost a few cells.
 */
export function boundedOsa(a: string, b: string, max: number): number {
  if (a.length > MAX_LENGTH || b.length > MAX_LENGTH) return max + 1;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  for (let j = 0; j <= b.length; j++) oneBack[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      meter.steps++;
      const cb = b.charCodeAt(j - 1);
      const cost = ca === cb ? 0 : 1;
      let d = Math.min(oneBack[j]! + 1, current[j - 1]! + 1, oneBack[j - 1]! + cost);
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) d = Math.min(d, twoBack[j - 2]! + 1);
      current[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    const spare = twoBack;
    twoBack = oneBack;
    oneBack = current;
    current = spare;
  }
  const d = oneBack[b.length]!;
  return d > max ? max + 1 : d;
}
