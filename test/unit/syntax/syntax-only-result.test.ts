import { describe, expect, it } from 'vitest';
import { REASONS, VerificationResult } from '../../../protocol/index.ts';
import { syntaxOnlyResult } from '../../../edge/syntax/index.ts';
import { FakeClock } from '../../support/fake-clock.ts';

describe('syntaxOnlyResult', () => {
  const clock = new FakeClock(Date.UTC(2026, 0, 2, 3, 4, 5));

  it('cannot call a valid address deliverable: unknown, syntax_ok', () => {
    const result = VerificationResult.parse(syntaxOnlyResult('Jane@Example.com', clock));
    expect(result).toEqual({
      email: 'Jane@Example.com',
      normalized: 'Jane@example.com',
      verdict: 'unknown',
      reason: 'syntax_ok',
      score: 0.5,
      reasons: [REASONS.syntax_ok.text],
      checks: { syntax: expect.objectContaining({ valid: true, domain: 'example.com' }), signals: [] },
      cached: false,
      checked_at: '2026-01-02T03:04:05.000Z',
    });
  });

  it('calls a broken one undeliverable with invalid_syntax and the rule in checks', () => {
    const result = syntaxOnlyResult('a..b@example.com', clock);
    expect(result).toMatchObject({ verdict: 'undeliverable', reason: 'invalid_syntax', score: 0, normalized: null });
    expect(result.checks.syntax).toMatchObject({ rule: 'local_part_dot_placement', position: 2 });
    expect(result.reasons).toEqual([REASONS.invalid_syntax.text]);
  });

  it('tells what the text says: disposable, role, SMTPUTF8, a typo', () => {
    expect(syntaxOnlyResult('info@mailinator.com', clock).reasons).toEqual([
      REASONS.syntax_ok.text,
      REASONS.disposable.text,
      REASONS.role_account.text,
    ]);
    const typo = syntaxOnlyResult('josé@gmial.com', clock);
    expect(typo.verdict).toBe('unknown');
    expect(typo.reasons.at(-1)).toBe('Did you mean josé@gmail.com?');
    expect(typo.reasons).toContain('The address needs SMTPUTF8, which not every sender supports.');
  });
});
