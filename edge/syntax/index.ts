export { checkSyntax } from './check-syntax.ts';
export { syntaxOnlyResult } from './syntax-only-result.ts';
