import { describe, expect, it } from 'vitest';
import { checkSyntax } from '../../../edge/syntax/index.ts';
import { isRole } from '../../../edge/syntax/flags.ts';
import wildcards from 'disposable-email-domains/wildcard.json' with { type: 'json' };

describe('checkSyntax: flags', () => {
  it('flags role accounts, lower-cased and without a +tag or quotes', () => {
    for (const local of ['postmaster', 'Abuse', 'INFO', 'info+2024', 'no-reply', 'noreply', 'webmaster', 'support+x+y', '"sales"', 'careers']) {
      expect(checkSyntax(`${local}@example.org`).flags.role, local).toBe(true);
    }
    for (const local of ['john', 'information', 'x+info', 'info.team', '"john"', 'support-1']) {
      expect(checkSyntax(`${local}@example.org`).flags.role, local).toBe(false);
    }
    expect(isRole('+info')).toBe(false);
  });

  it('flags disposable domains, and subdomains of the wildcard ones', () => {
    expect(checkSyntax('a@yopmail.com').flags.disposable).toBe(true);
    expect(checkSyntax('a@mailinator.com').flags.disposable).toBe(true);
    expect(checkSyntax('a@MAILINATOR.COM').flags.disposable).toBe(true);
    // 33m.co is in wildcard.json only: its subdomains are disposable too
    expect(checkSyntax('a@33m.co').flags.disposable).toBe(true);
    expect(checkSyntax('a@box.33m.co').flags.disposable).toBe(true);
    expect(checkSyntax('a@deep.box.33m.co').flags.disposable).toBe(true);
    // a subdomain of a non-wildcard entry is not
    expect(checkSyntax('a@sub.10minutemail.com').flags.disposable).toBe(false);
    expect(checkSyntax('a@gmail.com').flags.disposable).toBe(false);
  });

  it('relies on no wildcard entry being a bare top-level domain', () => {
    expect(wildcards.filter((d) => !d.includes('.'))).toEqual([]);
  });

  it('flags free mailbox providers', () => {
    for (const domain of ['gmail.com', 'yahoo.com', 'gmx.de', 'web.de', 'proton.me']) {
      expect(checkSyntax(`a@${domain}`).flags.free_provider, domain).toBe(true);
    }
    expect(checkSyntax('a@acme-corp.com').flags.free_provider).toBe(false);
  });

  it('flags address literals and SMTPUTF8 local parts', () => {
    expect(checkSyntax('a@[192.0.2.1]').flags).toEqual({
      address_literal: true,
      smtputf8: false,
      role: false,
      disposable: false,
      free_provider: false,
    });
    expect(checkSyntax('josé@example.com').flags.smtputf8).toBe(true);
    expect(checkSyntax('"josé"@example.com').flags.smtputf8).toBe(true);
    // an IDN domain travels as an A-label: no SMTPUTF8 needed
    expect(checkSyntax('jose@bücher.de').flags.smtputf8).toBe(false);
  });

  it('sets no flag on an invalid address', () => {
    expect(checkSyntax('info@@mailinator.com').flags).toEqual({
      address_literal: false,
      smtputf8: false,
      role: false,
      disposable: false,
      free_provider: false,
    });
  });
});
