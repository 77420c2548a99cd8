import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDeno } from '../../support/run-deno.ts';
import { checkSyntax } from '../../../edge/syntax/index.ts';
import { GENERATORS, seededRandom } from '../../unit/syntax/fuzz-inputs.ts';

/**
 * Stage 1 must give the same answers on Deno as on Node: the JSON list imports, the URL host
 * parser behind UTS-46 and everything else are Web-standard, so the two runtimes must agree
 * byte for byte.
 */
const ROOT = resolve(import.meta.dirname, '../../..');
const SCRIPT = `
import { checkSyntax } from './edge/syntax/index.ts';
const inputs = JSON.parse(await new Response(Deno.stdin.readable).text());
console.log(JSON.stringify(inputs.map(checkSyntax)));
`;

async function denoCheck(inputs: string[]): Promise<unknown> {
  const { code, stdout, stderr } = await runDeno(SCRIPT, JSON.stringify(inputs));
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout);
}

describe('edge/syntax on Deno', () => {
  it('answers as on Node for the shared vectors, IDNs and fuzzed input', async () => {
    const vectors = JSON.parse(readFileSync(resolve(ROOT, 'test/fixtures/syntax-vectors.json'), 'utf8')) as { cases: { email: string }[] };
    const random = seededRandom(5);
    const inputs = [
      ...vectors.cases.map((c) => c.email),
      'user@bücher.de',
      'user@ｅｘａｍｐｌｅ．ｃｏｍ',
      'a@faß.de',
      'info@mailinator.com',
      'a@box.33m.co',
      'x@gmail.com',
      'a@gmial.con',
      ...Array.from({ length: 2_000 }, (_, n) => GENERATORS[n % GENERATORS.length]!(random)),
    ];
    const onDeno = await denoCheck(inputs);
    // JSON drops nothing here: results hold only strings, numbers, booleans and null.
    expect(onDeno).toEqual(JSON.parse(JSON.stringify(inputs.map(checkSyntax))));
  });
});
