import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VerificationResult } from '../../../protocol/index.ts';

const BIN = resolve(import.meta.dirname, '../../../bin/bouncezero.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function bouncezero(args: string[], stdin?: string): Promise<Run> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.end(stdin ?? '');
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

function results(stdout: string): VerificationResult[] {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => VerificationResult.parse(JSON.parse(l)));
}

describe('bouncezero verify --syntax-only', () => {
  it('prints one public result per address argument and exits 0', async () => {
    const run = await bouncezero(['verify', '--syntax-only', 'Jane@Example.COM', 'a..b@example.com', 'user@gmial.com']);
    expect(run.code).toBe(0);
    const [jane, broken, typo] = results(run.stdout);
    expect(jane).toMatchObject({ email: 'Jane@Example.COM', normalized: 'Jane@example.com', verdict: 'unknown', reason: 'syntax_ok' });
    expect(broken).toMatchObject({ verdict: 'undeliverable', reason: 'invalid_syntax', checks: { syntax: { rule: 'local_part_dot_placement' } } });
    expect(typo?.checks.syntax.suggestion).toBe('user@gmail.com');
  });

  it('reads stdin line by line with no address or with -, CRLF and lone CR as the syntax sees them', async () => {
    const input = 'a@example.com\r\n\nbad\rcr@example.com\nü@bücher.de';
    for (const args of [['verify', '--syntax-only'], ['verify', '--syntax-only', '-']]) {
      const run = await bouncezero(args, input);
      expect(run.code).toBe(0);
      expect(results(run.stdout).map((r) => [r.email, r.checks.syntax.rule ?? r.normalized])).toEqual([
        ['a@example.com', 'a@example.com'],
        ['bad\rcr@example.com', 'control_character'],
        ['ü@bücher.de', 'ü@xn--bcher-kva.de'],
      ]);
    }
  });

  it('answers each line as it arrives rather than after reading everything', async () => {
    const child = spawn(process.execPath, [BIN, 'verify', '--syntax-only'], { stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdout.setEncoding('utf8');
    const lines = (async function* () {
      let buffer = '';
      for await (const chunk of child.stdout) {
        buffer += chunk;
        for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
          yield buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
        }
      }
    })();
    child.stdin.write('first@example.com\n');
    expect(JSON.parse((await lines.next()).value as string).email).toBe('first@example.com');
    child.stdin.write('second@example.com\n'); // stdin is still open: the first answer came before its end
    expect(JSON.parse((await lines.next()).value as string).email).toBe('second@example.com');
    child.stdin.end();
    const [code] = (await once(child, 'close')) as [number | null];
    expect(code).toBe(0);
  });

  it('refuses options it does not know and mixing arguments with stdin', async () => {
    const unknown = await bouncezero(['verify', '--syntax-only', '--out', 'x.csv', 'a@example.com']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--syntax-only does not take --out');
    expect(unknown.stdout).toBe('');
    const mixed = await bouncezero(['verify', '--syntax-only', '-', 'a@example.com']);
    expect(mixed.code).toBe(2);
  });
});

describe('bouncezero verify without --syntax-only', () => {
  it('says full verification needs a running edge and exits 2', async () => {
    const run = await bouncezero(['verify', 'a@example.com']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('needs a running edge');
    expect(run.stdout).toBe('');
  });
});
