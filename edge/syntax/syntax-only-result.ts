import { REASONS, type Clock, type SyntaxCheck, type VerificationResult } from '../../protocol/index.ts';
import { checkSyntax } from './check-syntax.ts';

/**
 * The public result when only stage 1 ran (`verify --syntax-only`). Syntax can prove an
 * address undeliverable, never deliverable: a valid one is `unknown` with reason `syntax_ok`,
 * and what its text says (role, disposable, a typo) is told in `reasons` and `checks.syntax`.
 * Every syntax failure, control characters included, is `invalid_syntax`; the broken rule is
 * in `checks.syntax.rule`.
 */
export function syntaxOnlyResult(email: string, clock: Clock): VerificationResult {
  const syntax = checkSyntax(email);
  const valid = syntax.valid;
  return {
    email,
    normalized: syntax.normalized,
    verdict: valid ? 'unknown' : 'undeliverable',
    reason: valid ? 'syntax_ok' : 'invalid_syntax',
    score: valid ? UNKNOWN_SCORE : 0,
    reasons: valid ? validSentences(syntax) : invalidSentences(syntax),
    checks: { syntax, signals: [] },
    cached: false,
    checked_at: new Date(clock.now()).toISOString(),
  };
}

/** Nothing known for or against delivery. */
const UNKNOWN_SCORE = 0.5;

function invalidSentences(syntax: SyntaxCheck): string[] {
  const texts: string[] = [REASONS.invalid_syntax.text];
  if (syntax.rule === 'control_character') texts.push(REASONS.control_characters.text);
  return texts;
}

function validSentences(syntax: SyntaxCheck): string[] {
  const texts: string[] = [REASONS.syntax_ok.text];
  if (syntax.flags.disposable) texts.push(REASONS.disposable.text);
  if (syntax.flags.role) texts.push(REASONS.role_account.text);
  if (syntax.flags.smtputf8) texts.push('The address needs SMTPUTF8, which not every sender supports.');
  if (syntax.flags.address_literal) texts.push('The domain is an address literal; few mail servers accept one.');
  if (syntax.suggestion) texts.push(`Did you mean ${syntax.suggestion}?`);
  return texts;
}
