import { describe, expect, it } from 'vitest';
import { MODIFIERS } from '../../../edge/scoring/rules.ts';
import { score, type ScoreInput } from '../../../edge/scoring/score.ts';
import { checkSyntax } from '../../../edge/syntax/index.ts';
import { REASONS, type MxPlan, type SmtpCheck } from '../../../protocol/index.ts';

const mxPlan = (domain: string): MxPlan => ({ domain, rule: 'mx', hosts: [{ host: `mx.${domain}`, preference: 10, addresses: ['127.0.0.10'], refused: [] }], ttl: 60, records: [], cnames: [] });
const accepted: SmtpCheck = { outcome: 'accepted', reason: 'accepted' };

function judge(email: string, rest: Omit<ScoreInput, 'syntax' | 'plan'> = { smtp: accepted }) {
  const syntax = checkSyntax(email);
  return score({ syntax, plan: mxPlan(syntax.domain ?? 'x.test'), ...rest });
}

describe('score', () => {
  it('keeps every score within 0..1 and every verdict to the four of the contract', () => {
    for (const reason of Object.keys(REASONS) as (keyof typeof REASONS)[]) {
      const s = judge('someone@example.test', { smtp: { outcome: 'error', reason } });
      expect(s.score).toBeGreaterThanOrEqual(0);
      expect(s.score).toBeLessThanOrEqual(1);
      expect(['deliverable', 'undeliverable', 'risky', 'unknown']).toContain(s.verdict);
      expect(s.reasons[0]).toBe(REASONS[s.reason].text);
    }
  });

  it('takes the earliest deciding stage: syntax, then DNS, then a dispatch failure, then SMTP', () => {
    expect(score({ syntax: checkSyntax('bad@@x'), smtp: accepted }).reason).toBe('invalid_syntax');
    const syntax = checkSyntax('a@example.test');
    expect(score({ syntax, plan: { ...mxPlan('example.test'), rule: 'null_mx', hosts: [] }, smtp: accepted }).reason).toBe('null_mx');
    expect(score({ syntax, plan: mxPlan('example.test'), failure: 'no_prober', smtp: accepted }).reason).toBe('no_prober');
    expect(score({ syntax, plan: mxPlan('example.test'), smtp: accepted }).reason).toBe('accepted');
  });

  it('reports an accepted address on a catch-all domain risky, never deliverable, and scores it lower', () => {
    const plain = judge('someone@example.test');
    const catchAll = judge('someone@example.test', { smtp: accepted, catchAll: { status: 'yes', cached: true } });
    expect(plain.verdict).toBe('deliverable');
    expect(catchAll).toMatchObject({ verdict: 'risky', reason: 'catch_all' });
    expect(catchAll.score).toBeLessThan(plain.score);
    expect(catchAll.reasons).toContain(REASONS.catch_all.text);
  });

  it('caps a role address and a disposable domain at risky, naming the flag as the reason', () => {
    expect(judge('info@example.test')).toMatchObject({ verdict: 'risky', reason: 'role_account' });
    const disposable = judge('someone@mailinator.com');
    expect(disposable).toMatchObject({ verdict: 'risky', reason: 'disposable' });
    expect(disposable.score).toBeLessThanOrEqual(MODIFIERS.find((m) => m.flag === 'disposable')!.maxScore!);
  });

  it('does not upgrade or hide a definite rejection because of a flag', () => {
    const s = judge('info@mailinator.com', { smtp: { outcome: 'rejected', reason: 'mailbox_not_found' } });
    expect(s).toMatchObject({ verdict: 'undeliverable', reason: 'mailbox_not_found' });
    expect(s.reasons).toEqual(expect.arrayContaining([REASONS.disposable.text, REASONS.role_account.text]));
  });

  it('mentions a free provider without changing the verdict', () => {
    const s = judge('someone@gmail.com');
    expect(s.verdict).toBe('deliverable');
    expect(s.reasons.some((r) => /free mailbox provider/.test(r))).toBe(true);
  });

  it('lets a plugin signal with a risky reason cap a deliverable verdict, and ignores failed signals', () => {
    const signal = { source: 'microsoft', name: 'tenant_accepts_all', ok: true, value: 'yes', reason: 'accept_all_provider' as const };
    expect(judge('someone@example.test', { smtp: accepted, signals: [signal] })).toMatchObject({ verdict: 'risky', reason: 'accept_all_provider' });
    expect(judge('someone@example.test', { smtp: accepted, signals: [{ ...signal, ok: false }] })).toMatchObject({ verdict: 'deliverable' });
  });

  it('says why an address with CR/LF is invalid, keeping the one reason code', () => {
    const s = score({ syntax: checkSyntax('a\r\nRCPT TO:<x@y.test>@example.test') });
    expect(s).toMatchObject({ verdict: 'undeliverable', reason: 'invalid_syntax', score: 0 });
    expect(s.reasons).toContain(REASONS.control_characters.text);
  });

  it('suggests the likely intended address', () => {
    const s = judge('someone@gmial.com');
    expect(s.reasons.at(-1)).toMatch(/^Did you mean .*@gmail\.com\?$/);
  });

  it('ranks outcomes sensibly: accepted > catch-all > greylisted > unreachable > rejected', () => {
    const v = [
      judge('a@example.test'),
      judge('a@example.test', { smtp: accepted, catchAll: { status: 'yes', cached: false } }),
      judge('a@example.test', { smtp: { outcome: 'temporary', reason: 'greylisted' } }),
      judge('a@example.test', { smtp: { outcome: 'error', reason: 'smtp_unreachable' } }),
      judge('a@example.test', { smtp: { outcome: 'rejected', reason: 'mailbox_not_found' } }),
    ].map((s) => s.score);
    expect([...v].sort((a, b) => b - a)).toEqual(v);
  });
});

describe('evidence from plugins and feeds (rules.ts EVIDENCE)', () => {
  const avatar = { source: 'gravatar', name: 'has_avatar', ok: true, value: true } as const;
  const breached = { source: 'breach_feed', name: 'breached', ok: true, value: true } as const;

  it('raises the score of a catch-all or accept-everything answer but never makes it deliverable', () => {
    const bare = judge('someone@example.test', { smtp: accepted, catchAll: { status: 'yes', cached: false } });
    const backed = judge('someone@example.test', { smtp: accepted, catchAll: { status: 'yes', cached: false }, signals: [avatar, breached] });
    expect(backed).toMatchObject({ verdict: 'risky', reason: 'catch_all' });
    expect(backed.score).toBeCloseTo(bare.score + 0.15);
    expect(backed.reasons).toContain('A Gravatar profile uses this address: a person has used it.');
    const tenant = judge('someone@example.test', { smtp: { outcome: 'accepted', reason: 'accept_all_provider' }, signals: [avatar] });
    expect(tenant).toMatchObject({ verdict: 'risky', reason: 'accept_all_provider' });
  });

  it('ignores failed signals and evidence about an address the server refused', () => {
    const failed = judge('someone@example.test', { smtp: accepted, signals: [{ ...avatar, ok: false }] });
    expect(failed.score).toBe(judge('someone@example.test').score);
    const gone = judge('someone@example.test', { smtp: { outcome: 'rejected', reason: 'mailbox_not_found' }, signals: [avatar] });
    expect(gone).toMatchObject({ verdict: 'undeliverable', score: 0.02 });
  });

  it('lowers the score when a directory plugin does not list the address', () => {
    const missing = judge('someone@example.test', { smtp: accepted, signals: [{ source: 'acme-directory', name: 'in_directory', ok: true, value: false }] });
    expect(missing.score).toBeCloseTo(0.75);
    expect(missing.verdict).toBe('deliverable');
  });
});

describe('an open catch-all check', () => {
  it('keeps an accepted address from full confidence while the probes are greylisted', () => {
    const syntax = checkSyntax('alice@grey.test');
    const open = score({ syntax, smtp: { outcome: 'accepted', reason: 'accepted' }, catchAll: { status: 'unknown', cached: false, open: true } });
    expect([open.verdict, open.reason]).toEqual(['risky', 'catch_all_pending']);
    expect(open.score).toBeLessThanOrEqual(0.6);
    const closed = score({ syntax, smtp: { outcome: 'accepted', reason: 'accepted' }, catchAll: { status: 'unknown', cached: false } });
    expect(closed.verdict).toBe('deliverable');
  });
});

describe('evidence beside the SMTP answer (the answer itself is never rewritten)', () => {
  const reply = { code: 250, enhanced: '2.1.5', lines: ['2.1.5 Ok'] };
  const said: SmtpCheck = { outcome: 'accepted', reason: 'accepted', reply };
  const microsoft = { plugin: 'microsoft', reason: 'accept_all_provider' as const, detail: 'Microsoft 365 tenant that may accept every recipient' };

  it('judges a catch-all answer beside an accepted RCPT exactly as the rewritten SMTP reason was judged', () => {
    const catchAll = { status: 'yes', cached: false } as const;
    const now = judge('someone@example.test', { smtp: said, catchAll });
    expect(now).toEqual(judge('someone@example.test', { smtp: { ...said, reason: 'catch_all' }, catchAll }));
    expect(now).toMatchObject({ verdict: 'risky', reason: 'catch_all' });
    expect(now.reasons).toContain('The server answered: 250 2.1.5 Ok');
  });

  it("judges a plugin's reading exactly as its rewrite of the SMTP reason was judged", () => {
    const now = judge('someone@example.test', { smtp: said, readings: [microsoft] });
    expect(now).toEqual(judge('someone@example.test', { smtp: { ...said, reason: 'accept_all_provider' } }));
    expect(now).toMatchObject({ verdict: 'risky', reason: 'accept_all_provider' });
  });

  it("puts the catch-all probe's measurement before a plugin's provider knowledge, and the first plugin before the next", () => {
    const both = judge('someone@example.test', { smtp: said, catchAll: { status: 'yes', cached: true }, readings: [microsoft] });
    expect(both).toMatchObject({ verdict: 'risky', reason: 'catch_all' });
    const rejected = judge('someone@example.test', {
      smtp: { outcome: 'rejected', reason: 'mailbox_not_found' },
      catchAll: { status: 'yes', cached: true },
      readings: [{ plugin: 'a', reason: 'mailbox_disabled' }, { plugin: 'b', reason: 'mailbox_full' }],
    });
    expect(rejected).toMatchObject({ verdict: 'undeliverable', reason: 'mailbox_disabled' });
  });
});
