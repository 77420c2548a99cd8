import { systemClock } from '../../protocol/index.ts';
import { readLines } from '../read-lines.ts';
import { parseVerifyArgs, VERIFY_USAGE } from './verify-args.ts';
import { verifySyntaxOnly } from './verify-syntax-only.ts';

/** `bouncezero verify`: picks the path the flags ask for; each path lives in its own file. */
export async function run(args: string[]): Promise<number> {
  const parsed = parseVerifyArgs(args);
  if (parsed.help) {
    process.stdout.write(VERIFY_USAGE);
    return 0;
  }
  if (parsed.syntaxOnly) {
    if (parsed.options.length > 0) return usageError(`--syntax-only does not take ${parsed.options.join(' ')}`);
    const fromStdin = parsed.addresses.length === 0 || parsed.addresses.includes('-');
    if (fromStdin && parsed.addresses.length > 1) return usageError('read addresses either from arguments or from stdin (-), not both');
    const addresses = fromStdin ? readLines(process.stdin) : parsed.addresses;
    return verifySyntaxOnly(addresses, process.stdout, systemClock);
  }
  const { runVerifyEdge } = await import('../verify-edge.ts');
  return runVerifyEdge(args, { env: process.env, stdout: process.stdout, stderr: process.stderr });
}

function usageError(message: string): number {
  process.stderr.write(`${message}\n${VERIFY_USAGE}`);
  return 2;
}
