import { meter } from './meter.ts';

/** Longest string compared; longer ones are never within reach of a provider domain anyway. */
const MAX_LENGTH = 64;
const FAR = 1 << 20;
// Three rows reused by every call: fixed size, so nothing grows with the input.
const ROWS = [new Int32Array(MAX_LENGTH + 2), new Int32Array(MAX_LENGTH + 2), new Int32Array(MAX_LENGTH + 2)] as const;

/**
 * Optimal string alignment distance (Damerau–Levenshtein without re-editing a transposed pair)
 * when it is at most `max`, else `max + 1`. The common prefix and suffix are skipped, only the
 * diagonal band of width 2·max+1 is computed, and a row whose band is all over the bound ends
 * the search, so a comparison costs O(max · length) at worst and a few cells when unrelated.
 */
export function boundedOsa(a: string, b: string, max: number): number {
  if (a.length > MAX_LENGTH || b.length > MAX_LENGTH) return max + 1;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let start = 0;
  let aEnd = a.length;
  let bEnd = b.length;
  while (start < aEnd && start < bEnd && a.charCodeAt(start) === b.charCodeAt(start)) {
    meter[0]!++;
    start++;
  }
  while (aEnd > start && bEnd > start && a.charCodeAt(aEnd - 1) === b.charCodeAt(bEnd - 1)) {
    meter[0]!++;
    aEnd--;
    bEnd--;
  }
  const n = aEnd - start;
  const m = bEnd - start;
  if (n === 0 || m === 0) return Math.min(n + m, max + 1);
  let [twoBack, oneBack, current] = ROWS;
  // Cells outside the band hold FAR, so the recurrence never picks them.
  for (let j = 0; j <= m; j++) oneBack[j] = j <= max ? j : FAR;
  oneBack[m + 1] = FAR;
  for (let i = 1; i <= n; i++) {
    const from = Math.max(1, i - max);
    const to = Math.min(m, i + max);
    current[from - 1] = from === 1 ? (i <= max ? i : FAR) : FAR;
    current[to + 1] = FAR;
    let rowMin = FAR;
    const ca = a.charCodeAt(start + i - 1);
    for (let j = from; j <= to; j++) {
      meter[0]!++;
      const cb = b.charCodeAt(start + j - 1);
      let d = oneBack[j - 1]!;
      if (ca !== cb) {
        d = Math.min(d, oneBack[j]!, current[j - 1]!);
        if (i > 1 && j > 1 && ca === b.charCodeAt(start + j - 2) && a.charCodeAt(start + i - 2) === cb) {
          d = Math.min(d, twoBack[j - 2]!);
        }
        d++;
      }
      current[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    const spare = twoBack;
    twoBack = oneBack;
    oneBack = current;
    current = spare;
  }
  const d = oneBack[m]!;
  return d > max ? max + 1 : d;
}
