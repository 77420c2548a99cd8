import { describe, expect, it } from 'vitest';
import { checkSyntax } from '../../../edge/syntax/index.ts';

const VALID: [literal: string, normalized: string][] = [
  ['[1.2.3.4]', '[1.2.3.4]'],
  ['[0.0.0.0]', '[0.0.0.0]'],
  ['[255.255.255.255]', '[255.255.255.255]'],
  ['[010.001.000.009]', '[010.001.000.009]'], // Snum is 1*3DIGIT: leading zeros are grammar
  ['[IPv6:1:2:3:4:5:6:7:8]', '[IPv6:1:2:3:4:5:6:7:8]'],
  ['[IPv6:2001:0DB8:85A3:0000:0000:8A2E:0370:7334]', '[IPv6:2001:0db8:85a3:0000:0000:8a2e:0370:7334]'],
  ['[ipv6:ABCD::1]', '[IPv6:abcd::1]'],
  ['[IPv6:::]', '[IPv6:::]'],
  ['[IPv6:::1]', '[IPv6:::1]'],
  ['[IPv6:1::]', '[IPv6:1::]'],
  ['[IPv6:1:2:3::4:5:6]', '[IPv6:1:2:3::4:5:6]'],
  ['[IPv6:1:2:3:4:5:6::]', '[IPv6:1:2:3:4:5:6::]'],
  ['[IPv6:1:2:3:4:5:6:1.2.3.4]', '[IPv6:1:2:3:4:5:6:1.2.3.4]'],
  ['[IPv6:::ffff:192.0.2.1]', '[IPv6:::ffff:192.0.2.1]'],
  ['[IPv6:::1.2.3.4]', '[IPv6:::1.2.3.4]'],
  ['[IPv6:1:2:3:4::1.2.3.4]', '[IPv6:1:2:3:4::1.2.3.4]'],
  ['[IPv6:1::2:3:4:1.2.3.4]', '[IPv6:1::2:3:4:1.2.3.4]'],
  ['[x-tag:anything.printable!~]', '[x-tag:anything.printable!~]'],
  ['[tag:a:b]', '[tag:a:b]'],
  ['[1tag:x]', '[1tag:x]'],
  ['[-tag:x]', '[-tag:x]'], // Standardized-tag = Ldh-str, which may start (not end) with a hyphen
];

const INVALID: string[] = [
  '[]',
  '[1.2.3]',
  '[1.2.3.4.5]',
  '[1.2.3.]',
  '[.1.2.3]',
  '[1..2.3]',
  '[256.0.0.0]',
  '[1.2.3.1000]',
  '[1.2.3.-1]',
  '[abc]',
  '[IPv6:]',
  '[IPv6:1:2:3:4:5:6:7]',
  '[IPv6:1:2:3:4:5:6:7:8:9]',
  '[IPv6:1::2::3]',
  '[IPv6:1:2:3:4:5:6:7::]', // "::" stands for at least two groups (RFC 5321 §4.1.3)
  '[IPv6:1:2:3:4:5:6::7]',
  '[IPv6:12345::]',
  '[IPv6::1]',
  '[IPv6:1:]',
  '[IPv6:1:::2]',
  '[IPv6:zz::1]',
  '[IPv6:1:2:3:4:5:1.2.3.4]',
  '[IPv6:1:2:3:4:5::1.2.3.4]',
  '[IPv6:::1.2.3]',
  '[IPv6:::256.1.1.1]',
  '[IPv6:1.2.3.4]',
  '[IPv6:::1.2.3.4:1]',
  '[IPv6:::1a.2.3.4]',
  '[tag-:x]',
  '[tag:]',
  '[:x]',
  '[ta_g:x]',
  '[tag:a\\b]',
  '[tag:a b]',
  '[tag:ü]',
  '[ü:x]',
];

describe('checkSyntax: address literals (RFC 5321 §4.1.3)', () => {
  it.each(VALID)('accepts %s', (literal, normalized) => {
    expect(checkSyntax(`postmaster@${literal}`)).toMatchObject({
      valid: true,
      domain: normalized,
      normalized: `postmaster@${normalized}`,
      flags: { address_literal: true, disposable: false, free_provider: false, role: true },
    });
  });

  it.each(INVALID)('refuses %s', (literal) => {
    expect(checkSyntax(`a@${literal}`)).toMatchObject({ valid: false, rule: 'address_literal_invalid', position: 2 });
  });

  it('wants the literal to end the address', () => {
    expect(checkSyntax('a@[1.2.3.4].com')).toMatchObject({ rule: 'trailing_characters', position: 11 });
    expect(checkSyntax('a@[1.2.3.4')).toMatchObject({ rule: 'address_literal_invalid', position: 2 });
    expect(checkSyntax('a@x[1.2.3.4]')).toMatchObject({ rule: 'domain_invalid_character', position: 3 });
  });

  it('never suggests a provider for a literal', () => {
    expect(checkSyntax('a@[IPv6:::1]').suggestion).toBeUndefined();
  });
});
