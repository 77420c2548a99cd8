import { systemClock } from '../../protocol/index.ts';
import { readLines } from '../read-lines.ts';
import type { VerifyEdgeOptions } from '../verify-edge.ts';
import { verifySyntaxOnly } from './verify-syntax-only.ts';

export type VerifyOptions = Omit<VerifyEdgeOptions, 'emails'> & { syntaxOnly?: boolean };

/** `bouncezero verify`: picks the path the flags ask for; each path lives in its own file. */
export async function run(emails: string[], o: VerifyOptions): Promise<number> {
  if (o.syntaxOnly) {
    const extra = (['file', 'out', 'edge', 'key', 'column'] as const).filter((k) => o[k] !== undefined);
    if (extra.length > 0) return usageError(`--syntax-only does not take ${extra.map((k) => `--${k}`).join(' ')}`);
    const fromStdin = emails.length === 0 || emails.includes('-');
    if (fromStdin && emails.length > 1) return usageError('read addresses either from arguments or from stdin (-), not both');
    const addresses = fromStdin ? readLines(process.stdin) : emails;
    return verifySyntaxOnly(addresses, process.stdout, systemClock, { ...(o.format ? { format: o.format } : {}), ...(o.failOn ? { failOn: o.failOn } : {}) });
  }
  const { runVerifyEdge } = await import('../verify-edge.ts');
  return runVerifyEdge({ ...o, emails }, { env: process.env, stdout: process.stdout, stderr: process.stderr });
}

function usageError(message: string): number {
  process.stderr.write(`${message} (bouncezero verify --help)\n`);
  return 2;
}
