import { describe, expect, it } from 'vitest';
import { SyntaxCheck } from '../../../protocol/index.ts';
import { checkSyntax } from '../../../edge/syntax/index.ts';
import { utf8Octets } from '../../../edge/syntax/local-part.ts';
import { meter } from '../../../edge/syntax/meter.ts';
import { GENERATORS, seededRandom } from './fuzz-inputs.ts';

const CASES = 100_000;
const SEED = 20_261_129;
const CONTROL = /[\0-\x1f\x7f-\x9f]/;

function octets(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) n += utf8Octets(s.charCodeAt(i));
  return n;
}

/** A valid result must be one that RCPT TO can carry and that survives a second reading. */
function checkInvariants(input: string, result: SyntaxCheck): string | null {
  if (!SyntaxCheck.safeParse(result).success) return 'does not parse as SyntaxCheck';
  if (!result.valid) {
    if (result.rule === undefined || result.position === undefined) return 'invalid without rule and position';
    if (result.position > input.length) return 'position past the end';
    return null;
  }
  const normalized = result.normalized ?? '';
  if (CONTROL.test(normalized)) return 'control character in a valid address';
  if (octets(normalized) > 254) return 'valid address longer than 254 octets';
  if (normalized !== `${result.local_part}@${result.domain}`) return 'normalized is not local@domain';
  const again = checkSyntax(normalized);
  if (!again.valid || again.normalized !== normalized) return 'normalized form does not read back as itself';
  return null;
}

describe('checkSyntax under fuzzing', () => {
  it(`answers ${CASES.toLocaleString('en-US')} hostile inputs with a schema-valid result, never a throw`, () => {
    const random = seededRandom(SEED);
    let longest = 0;
    let worstRatio = 0;
    let valid = 0;
    for (let n = 0; n < CASES; n++) {
      const input = GENERATORS[n % GENERATORS.length]!(random);
      longest = Math.max(longest, input.length);
      const before = meter[0]!;
      let result: SyntaxCheck;
      try {
        result = checkSyntax(input);
      } catch (error) {
        throw new Error(`case ${n} (seed ${SEED}) threw for ${JSON.stringify(input.slice(0, 200))}: ${String(error)}`);
      }
      const steps = (meter[0]! - before) >>> 0;
      worstRatio = Math.max(worstRatio, steps / (input.length + 64));
      const broken = checkInvariants(input, result);
      if (broken) throw new Error(`case ${n} (seed ${SEED}): ${broken}: ${JSON.stringify(input.slice(0, 200))} → ${JSON.stringify(result)}`);
      if (result.valid) valid++;
    }
    expect(longest).toBeGreaterThan(9_000);
    expect(valid).toBeGreaterThan(100); // the mutations keep some addresses intact: both paths ran
    // Work per input is a small constant times its length, whatever the input.
    expect(worstRatio).toBeLessThan(16);
  });
});
