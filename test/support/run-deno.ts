import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const DENO = resolve(ROOT, 'node_modules/.bin/deno');

/** Runs a script under Deno (the npm package) from the repository root; stdin gets `input` when given. */
export async function runDeno(script: string, input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(DENO, ['eval', '--no-prompt', script], { cwd: ROOT, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  if (input !== undefined) child.stdin!.end(input);
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}
