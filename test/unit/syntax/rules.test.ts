import { describe, expect, it } from 'vitest';
import { SYNTAX_RULES, SyntaxCheck, type SyntaxRule } from '../../../protocol/index.ts';
import { checkSyntax } from '../../../edge/syntax/index.ts';

const a = (n: number) => 'a'.repeat(n);
const label = (c: string, n = 63) => c.repeat(n);

/** Every rule with inputs that break it and the 0-based code-unit index it must be reported at. */
const CASES: [input: string, rule: SyntaxRule, position: number][] = [
  ['', 'empty', 0],
  ['john.doe@example.com\r\nRCPT TO:<x@evil.test>', 'control_character', 20],
  ['a\tb@example.com', 'control_character', 1],
  ['"a\nb"@example.com', 'control_character', 2],
  ['a b\0@example.com', 'control_character', 3], // found before the space, which comes first
  ['a@example.com\x7f', 'control_character', 13],
  ['a\u0085b@example.com', 'control_character', 1],
  ['a@exa\u009fmple.com', 'control_character', 5],
  ['a\ud800@example.com', 'invalid_unicode', 1],
  ['a@example.com\udc00', 'invalid_unicode', 13],
  ['\udc00\ud800@example.com', 'invalid_unicode', 0],
  ['a\ud83d', 'invalid_unicode', 1],
  ['plainaddress', 'no_at_sign', 12],
  ['"quoted"', 'no_at_sign', 8],
  ['user\uff20example.com', 'no_at_sign', 16],
  ['@example.com', 'local_part_empty', 0],
  ['""@example.com', 'local_part_empty', 0],
  [`${a(65)}@example.com`, 'local_part_too_long', 64],
  [`${'é'.repeat(33)}@example.com`, 'local_part_too_long', 32], // 66 UTF-8 octets
  [`${a(63)}é@example.com`, 'local_part_too_long', 63],
  [`${'😀'.repeat(17)}@example.com`, 'local_part_too_long', 32], // 4 octets a pair
  ['a b@example.com', 'local_part_invalid_character', 1],
  ['(comment)a@example.com', 'local_part_invalid_character', 0],
  ['just"not"right@example.com', 'local_part_invalid_character', 4],
  ['"a"b@example.com', 'local_part_invalid_character', 3],
  ['"a".b@example.com', 'local_part_invalid_character', 3],
  ['a\\@example.com', 'local_part_invalid_character', 1],
  ['.a@example.com', 'local_part_dot_placement', 0],
  ['a..b@example.com', 'local_part_dot_placement', 2],
  ['a.@example.com', 'local_part_dot_placement', 1],
  ['"abc@example.com', 'quoted_string_unterminated', 0],
  ['"abc\\"@example.com', 'quoted_string_unterminated', 0],
  ['"abc\\', 'quoted_string_unterminated', 0],
  ['"a\\é"@example.com', 'quoted_string_invalid_character', 3],
  ['a@', 'domain_empty', 2],
  [`a@${label('b')}.${label('c')}.${label('d')}.${label('e')}`, 'domain_too_long', 255],
  [`a@${'ü.'.repeat(600)}de`, 'domain_too_long', 2],
  ['a@example..com', 'domain_label_empty', 10],
  ['a@.example.com', 'domain_label_empty', 2],
  ['a@example.com.', 'domain_label_empty', 13],
  ['a@.', 'domain_label_empty', 2],
  [`a@${label('b', 64)}.com`, 'domain_label_too_long', 65],
  ['a@-example.com', 'domain_label_hyphen', 2],
  ['a@example-.com', 'domain_label_hyphen', 9],
  ['a@example.com-', 'domain_label_hyphen', 13],
  ['a@exa_mple.com', 'domain_invalid_character', 5],
  ['a@exa mple.com', 'domain_invalid_character', 5],
  ['A@b@example.com', 'domain_invalid_character', 3],
  ['a@example.com>', 'domain_invalid_character', 13],
  ['a@xn--zz.de', 'domain_idn_invalid', 2],
  ['a@example.com\u00a0', 'domain_idn_invalid', 2],
  ['a@a\u200db.de', 'domain_idn_invalid', 2],
  ['a@localhost', 'domain_single_label', 2],
  ['a@com', 'domain_single_label', 2],
  ['a@example.123', 'domain_numeric_tld', 10],
  ['a@1.2.3.4', 'domain_numeric_tld', 8],
  ['a@example.0x7f', 'domain_numeric_tld', 10],
  ['a@[1.2.3]', 'address_literal_invalid', 2],
  ['a@[1.2.3.4', 'address_literal_invalid', 2],
  ['a@[IPv6:zz::1]', 'address_literal_invalid', 2],
  ['a@[1.2.3.4]x', 'trailing_characters', 11],
  ['a@[1.2.3.4]]', 'trailing_characters', 11],
  [`${a(64)}@${label('c')}.${label('d')}.${a(58)}.com`, 'address_too_long', 254],
  [`${'é'.repeat(32)}@${label('c')}.${label('d')}.${a(58)}.com`, 'address_too_long', 222], // 64 UTF-8 octets + 1 + 190
];

describe('checkSyntax: rules and positions', () => {
  for (const [input, rule, position] of CASES) {
    it(`${rule} at ${position}: ${JSON.stringify(input).slice(0, 60)}`, () => {
      const result = checkSyntax(input);
      expect(SyntaxCheck.parse(result)).toEqual(result);
      expect(result).toMatchObject({ valid: false, rule, position, normalized: null, local_part: null, domain: null });
      expect(Object.values(result.flags)).toEqual([false, false, false, false, false]);
      expect(result.suggestion).toBeUndefined();
    });
  }

  it('has a case for every rule of the registry', () => {
    const covered = new Set(CASES.map(([, rule]) => rule));
    expect(SYNTAX_RULES.filter((r) => !covered.has(r))).toEqual([]);
  });

  it('accepts the limits themselves', () => {
    for (const input of [
      `${a(64)}@example.com`,
      `${'é'.repeat(32)}@example.com`,
      `a@${label('b')}.com`,
      `${a(64)}@${label('c')}.${label('d')}.${a(57)}.com`,
      `${a(1)}@${label('b')}.${label('c')}.${label('d')}.${a(60)}`, // a 252-octet domain: the most a 1-octet local part leaves
    ]) {
      expect(checkSyntax(input)).toMatchObject({ valid: true });
    }
  });

  it('keeps the local part as typed and lower-cases the domain', () => {
    expect(checkSyntax('John.DOE+Tag@Example.COM')).toEqual({
      valid: true,
      normalized: 'John.DOE+Tag@example.com',
      local_part: 'John.DOE+Tag',
      domain: 'example.com',
      flags: { address_literal: false, smtputf8: false, role: false, disposable: false, free_provider: true },
    });
  });

  it('takes the input exactly as given: no trimming', () => {
    expect(checkSyntax(' a@example.com')).toMatchObject({ valid: false, rule: 'local_part_invalid_character', position: 0 });
    expect(checkSyntax('a@example.com ')).toMatchObject({ valid: false, rule: 'domain_invalid_character', position: 13 });
  });

  it('keeps quoted local parts, quotes and pairs included', () => {
    const result = checkSyntax('"a\\"b c"@example.com');
    expect(result).toMatchObject({ valid: true, local_part: '"a\\"b c"', normalized: '"a\\"b c"@example.com' });
  });

  it('accepts every printable ASCII character inside quotes, and UTF-8 (RFC 6531)', () => {
    let text = '';
    for (let c = 32; c <= 126; c++) text += c === 34 || c === 92 ? `\\${String.fromCharCode(c)}` : String.fromCharCode(c);
    expect(checkSyntax(`"${text}"@example.com`).valid).toBe(false); // 96 octets: too long for one local part
    expect(checkSyntax(`"${text.slice(0, 60)}"@example.com`).valid).toBe(true);
    expect(checkSyntax(`"${text.slice(60)}"@example.com`).valid).toBe(true);
    expect(checkSyntax('"jörg müller"@example.com')).toMatchObject({ valid: true, flags: { smtputf8: true } });
  });
});
