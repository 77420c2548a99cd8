import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SyntaxCheck, VerificationResult } from '../../../protocol/index.ts';
import { checkSyntax, syntaxOnlyResult } from '../../../edge/syntax/index.ts';
import { FakeClock } from '../../support/fake-clock.ts';

/** The labelled cases shared with the other verifiers' tests, kept in the repository. */
const VECTORS = resolve(import.meta.dirname, '../../fixtures/syntax-vectors.json');

interface Vector {
  email: string;
  valid: boolean;
  why: string;
}
const { cases } = JSON.parse(readFileSync(VECTORS, 'utf8')) as { cases: Vector[] };

describe('shared syntax vectors', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(50);
  });

  for (const c of cases) {
    it(`${c.valid ? 'accepts' : 'refuses'} ${JSON.stringify(c.email).slice(0, 70)} (${c.why})`, () => {
      const syntax = checkSyntax(c.email);
      expect(SyntaxCheck.parse(syntax)).toEqual(syntax);
      expect(syntax.valid).toBe(c.valid);
      const result = VerificationResult.parse(syntaxOnlyResult(c.email, new FakeClock()));
      expect(result.email).toBe(c.email);
      if (c.valid) {
        expect(result).toMatchObject({ verdict: 'unknown', reason: 'syntax_ok', normalized: syntax.normalized });
      } else {
        expect(result).toMatchObject({ verdict: 'undeliverable', reason: 'invalid_syntax', normalized: null, score: 0 });
      }
    });
  }

  it('says "control characters" for CR LF, NUL and tab, in the rule and in the reasons', () => {
    for (const c of cases.filter((v) => /[\0-\x1f]/.test(v.email))) {
      const result = syntaxOnlyResult(c.email, new FakeClock());
      expect(result.checks.syntax.rule).toBe('control_character');
      expect(result.reasons.join(' ')).toMatch(/control character/);
    }
  });

  it('normalizes the IDN vector to its A-label', () => {
    expect(checkSyntax('user@münchen.de').normalized).toBe('user@xn--mnchen-3ya.de');
    expect(checkSyntax('Mixed.Case@Example.COM').normalized).toBe('Mixed.Case@example.com');
  });
});
