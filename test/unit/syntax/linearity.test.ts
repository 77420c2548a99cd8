import { describe, expect, it } from 'vitest';
import { checkSyntax } from '../../../edge/syntax/index.ts';
import { meter } from '../../../edge/syntax/meter.ts';

/**
 * Linear time, proved by counting the parser's steps (never by a clock): for each family of
 * inputs built to make a backtracking matcher explode, doubling the input at most doubles the
 * steps, and the steps stay within a small constant per code unit.
 */
const FAMILIES: Record<string, (n: number) => string> = {
  dots: (n) => '.'.repeat(n),
  quotes: (n) => '"'.repeat(n),
  backslashes: (n) => '\\'.repeat(n),
  'open brackets': (n) => '['.repeat(n),
  'at-signs': (n) => '@'.repeat(n),
  'unterminated quoted pairs': (n) => `"${'\\a'.repeat(n)}`,
  'quoted string then domain': (n) => `"${'a'.repeat(n)}"@example.com`,
  'long local part': (n) => `${'a.'.repeat(n)}a@example.com`,
  'long local, dot at the end': (n) => `${'a.'.repeat(n)}@example.com`,
  'many labels': (n) => `a@${'a.'.repeat(n)}com`,
  'many labels, trailing hyphen': (n) => `a@${'a.'.repeat(n)}com-`,
  'IDN labels': (n) => `a@${'ü.'.repeat(n)}de`,
  'unterminated literal': (n) => `a@[${'1'.repeat(n)}`,
  'colons in a literal': (n) => `a@[IPv6:${':'.repeat(n)}]`,
  'groups in a literal': (n) => `a@[IPv6:${'1:'.repeat(n)}1]`,
  'general literal': (n) => `a@[x:${'a'.repeat(n)}]`,
  'surrogate pairs': (n) => `${'😀'.repeat(n)}@example.com`,
  'almost a provider': (n) => `${'a'.repeat(n)}@gmial.con`,
};

function steps(input: string): number {
  const before = meter[0]!;
  checkSyntax(input);
  return (meter[0]! - before) >>> 0;
}

describe('checkSyntax runs in linear time', () => {
  for (const [name, build] of Object.entries(FAMILIES)) {
    it(name, () => {
      const counts = [1_000, 2_000, 4_000, 8_000, 16_000].map((n) => ({ length: build(n).length, steps: steps(build(n)) }));
      for (const { length, steps: s } of counts) expect(s, `${length} code units`).toBeLessThanOrEqual(8 * length + 2_000);
      for (let i = 1; i < counts.length; i++) {
        const grew = counts[i]!.steps / Math.max(1, counts[i - 1]!.steps);
        expect(grew, `${counts[i - 1]!.length} → ${counts[i]!.length} code units`).toBeLessThanOrEqual(2.05);
      }
    });
  }

  it('counts something: the meter moves with the input', () => {
    expect(steps('a'.repeat(1_000))).toBeGreaterThanOrEqual(1_000);
  });
});
