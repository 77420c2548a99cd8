import { describe, expect, it } from 'vitest';
import { checkSyntax } from '../../../edge/syntax/index.ts';

describe('checkSyntax: internationalized domains (UTS-46 through the URL host parser)', () => {
  it('turns a U-label into a lower-cased A-label and keeps what was typed', () => {
    expect(checkSyntax('user@bücher.de')).toMatchObject({
      valid: true,
      normalized: 'user@xn--bcher-kva.de',
      domain: 'xn--bcher-kva.de',
      domain_unicode: 'bücher.de',
      flags: { smtputf8: false },
    });
  });

  it('maps case, width and the ideographic full stops as UTS-46 says', () => {
    expect(checkSyntax('user@BÜCHER.DE')).toMatchObject({ valid: true, domain: 'xn--bcher-kva.de', domain_unicode: 'BÜCHER.DE' });
    expect(checkSyntax('user@bücher。de').domain).toBe('xn--bcher-kva.de');
    expect(checkSyntax('user@bücher．de').domain).toBe('xn--bcher-kva.de');
    expect(checkSyntax('user@bücher｡de').domain).toBe('xn--bcher-kva.de');
    // found by the fuzz test: an ASCII name whose only non-ASCII is a full stop
    expect(checkSyntax('user@example。com')).toMatchObject({ valid: true, domain: 'example.com', domain_unicode: 'example。com' });
    expect(checkSyntax('user@ｅｘａｍｐｌｅ．ｃｏｍ')).toMatchObject({ valid: true, domain: 'example.com', domain_unicode: 'ｅｘａｍｐｌｅ．ｃｏｍ' });
  });

  it('is nontransitional, as browsers are: ß stays ß', () => {
    expect(checkSyntax('a@faß.de').domain).toBe('xn--fa-hia.de');
  });

  it('lower-cases an ASCII domain without calling it an IDN', () => {
    const result = checkSyntax('user@Example.COM');
    expect(result.domain).toBe('example.com');
    expect(result.domain_unicode).toBeUndefined();
  });

  it('validates A-labels given directly, in any case', () => {
    expect(checkSyntax('user@XN--MNCHEN-3YA.DE')).toMatchObject({ valid: true, domain: 'xn--mnchen-3ya.de' });
    expect(checkSyntax('user@xn--mnchen-3ya.de').domain_unicode).toBeUndefined();
    expect(checkSyntax('user@xn--a.de')).toMatchObject({ valid: false, rule: 'domain_idn_invalid', position: 5 });
  });

  it('holds the A-label form to the DNS limits and points at the label as typed', () => {
    const long = 'ü'.repeat(60); // xn--tdaaaa…: far over 63 octets
    expect(checkSyntax(`user@${long}.de`)).toMatchObject({ valid: false, rule: 'domain_label_too_long', position: 5 });
    expect(checkSyntax(`user@example.${long}.de`)).toMatchObject({ valid: false, rule: 'domain_label_too_long', position: 13 });
    expect(checkSyntax(`user@example。${long}.de`)).toMatchObject({ valid: false, rule: 'domain_label_too_long', position: 13 });
  });

  it('applies the domain rules to the IDN as typed before converting it', () => {
    expect(checkSyntax('a@-ü.de')).toMatchObject({ rule: 'domain_label_hyphen', position: 2 });
    expect(checkSyntax('a@ü-.de')).toMatchObject({ rule: 'domain_label_hyphen', position: 3 });
    expect(checkSyntax('a@ü..de')).toMatchObject({ rule: 'domain_label_empty', position: 4 });
    expect(checkSyntax('a@ü.de。')).toMatchObject({ rule: 'domain_label_empty', position: 6 });
    expect(checkSyntax('a@ü_x.de')).toMatchObject({ rule: 'domain_invalid_character', position: 3 });
    expect(checkSyntax('a@ü')).toMatchObject({ rule: 'domain_single_label', position: 2 });
    expect(checkSyntax('a@ü.１２３')).toMatchObject({ valid: false });
    expect(checkSyntax('a@１.２.３.４')).toMatchObject({ valid: false, rule: 'domain_numeric_tld' });
  });

  it('reports domain_idn_invalid when UTS-46 refuses the name', () => {
    for (const domain of ['ü.de\u00a0', 'a\u200db.ü', 'ü／x.de', 'ü\u3000.de', 'xn--zz.ü']) {
      expect(checkSyntax(`a@${domain}`)).toMatchObject({ valid: false, rule: 'domain_idn_invalid', position: 2 });
    }
  });

  it('handles whole-script and CJK names', () => {
    expect(checkSyntax('δοκιμή@παράδειγμα.δοκιμή')).toMatchObject({
      valid: true,
      normalized: 'δοκιμή@xn--hxajbheg2az3al.xn--jxalpdlp',
      flags: { smtputf8: true },
    });
    expect(checkSyntax('用户@例子.广告').normalized).toBe('用户@xn--fsqu00a.xn--4rr70v');
  });
});
