import type { SyntaxRule } from '../../protocol/index.ts';

/** Where and why an address broke the grammar: a value, never a throw. */
export interface SyntaxFailure {
  rule: SyntaxRule;
  position: number;
}

export function fail(rule: SyntaxRule, position: number): SyntaxFailure {
  return { rule, position };
}
