import { describe, expect, it } from 'vitest';
import { checkSyntax } from '../../../edge/syntax/index.ts';
import { boundedOsa } from '../../../edge/syntax/edit-distance.ts';
import { suggestDomain } from '../../../edge/syntax/typo.ts';
import { seededRandom } from './fuzz-inputs.ts';

/** The textbook full-matrix OSA distance, to hold the banded, bounded one to. */
function osa(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

describe('boundedOsa', () => {
  it('counts a transposition as one edit', () => {
    expect(boundedOsa('gmial.com', 'gmail.com', 2)).toBe(1);
    expect(boundedOsa('ab', 'ba', 2)).toBe(1);
    expect(boundedOsa('kitten', 'sitting', 3)).toBe(3);
    expect(boundedOsa('ca', 'abc', 3)).toBe(3); // OSA, not unrestricted Damerau (which says 2)
    expect(boundedOsa('', 'abc', 5)).toBe(3);
    expect(boundedOsa('same', 'same', 0)).toBe(0);
  });

  it('answers max + 1 past the bound', () => {
    expect(boundedOsa('kitten', 'sitting', 2)).toBe(3);
    expect(boundedOsa('a', 'abcdef', 2)).toBe(3);
    expect(boundedOsa('x'.repeat(100), 'x'.repeat(100), 2)).toBe(3); // past the fixed row size
  });

  it('agrees with the full matrix on 20,000 random pairs', () => {
    const random = seededRandom(7);
    const word = () => {
      let s = '';
      const n = Math.floor(random() * 12);
      for (let i = 0; i < n; i++) s += 'abcd.'[Math.floor(random() * 5)];
      return s;
    };
    for (let k = 0; k < 20_000; k++) {
      const a = word();
      const b = random() < 0.5 ? word() : a.slice(0, Math.floor(random() * (a.length + 1))) + word().slice(0, 2) + a.slice(Math.floor(random() * (a.length + 1)));
      const max = Math.floor(random() * 4);
      const exact = osa(a, b);
      expect(boundedOsa(a, b, max), `${a} ~ ${b} ≤ ${max}`).toBe(exact <= max ? exact : max + 1);
    }
  });
});

describe('checkSyntax: typo suggestions', () => {
  it.each([
    ['gmial.com', 'gmail.com'],
    ['gmai.com', 'gmail.com'],
    ['gmaill.com', 'gmail.com'],
    ['hotmial.com', 'hotmail.com'],
    ['hotmaill.co.uk', 'hotmail.co.uk'],
    ['yahooo.com', 'yahoo.com'],
    ['outlok.com', 'outlook.com'],
    ['iclod.com', 'icloud.com'],
    ['protonmial.com', 'protonmail.com'],
    ['gmail.con', 'gmail.com'],
    ['gmial.con', 'gmail.com'],
    ['yahoo.cmo', 'yahoo.com'],
    ['example.con', 'example.com'],
    ['comcast.nte', 'comcast.net'],
    ['gmail.co', 'gmail.com'],
  ])('%s → %s', (typed, intended) => {
    expect(suggestDomain(typed)).toBe(intended);
    const result = checkSyntax(`John.Doe@${typed.toUpperCase()}`);
    expect(result.valid).toBe(true);
    expect(result.suggestion).toBe(`John.Doe@${intended}`);
  });

  it.each(['gmail.com', 'mail.com', 'gmx.de', 'gmx.net', 'me.com', 'ya.ru', 'example.com', 'acme-corp.com', 't.co', 'web.de', 'live.com'])(
    'leaves %s alone',
    (domain) => {
      expect(checkSyntax(`a@${domain}`).suggestion).toBeUndefined();
    },
  );

  it('suggests nothing for an invalid address', () => {
    expect(checkSyntax('a@gmial..com').suggestion).toBeUndefined();
  });
});
