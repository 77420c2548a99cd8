import { describe, expect, it } from 'vitest';
import { classifyReply } from '../../../prober/smtp/classify-reply.ts';
import { withoutAddresses } from '../../../prober/smtp/reply-text.ts';

const rcpt = (lines: string[], code = 550, recipient?: string) => classifyReply({ code, lines }, { phase: 'rcpt', ...(recipient ? { recipient } : {}) });

describe('a permanent refusal judges the mailbox only when it says so', () => {
  it('reads refusals that are about us as blocks, never as "no such mailbox"', () => {
    for (const text of [
      'Ip frequency limited. http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=20022&&no=1000725',
      'Connection frequency limited. http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=20022&&no=1000722',
    ]) {
      const got = rcpt([text]);
      expect([got.outcome, got.reason, got.namesOurIp]).toEqual(['error', 'blocked_by_server', true]);
    }
    expect(rcpt(['5.7.1 Requested action not taken: mailbox unavailable']).reason).toBe('blocked_by_server');
  });

  it('calls a refusal with neither mailbox nor sender words ambiguous, for the control recipient to settle', () => {
    for (const [code, text] of [[550, 'Requested action not taken: mailbox unavailable'], [553, 'Requested action not taken'], [554, 'Transaction failed'], [550, '']] as const) {
      const got = rcpt(text ? [text] : [], code);
      expect([got.outcome, got.reason, got.ambiguous]).toEqual(['error', 'ambiguous_refusal', true]);
    }
    expect(rcpt(['5.1.1 User unknown']).ambiguous).toBe(false);
  });
});

describe('words, not substrings, on text without the echoed addresses', () => {
  it('does not read block words inside an echoed address', () => {
    for (const address of ['jane@policygenius.com', 'antispam@example.com', 'spam@example.com', 'blocked@example.com']) {
      const got = rcpt([`<${address}>: unknown user`], 550, address);
      expect([got.outcome, got.reason], address).toEqual(['rejected', 'mailbox_not_found']);
      expect(rcpt([`${address}: unknown user`]).reason, `bare ${address}`).toBe('mailbox_not_found');
    }
  });

  it('strips the recipient even when it is not bracketed, quoted local part included', () => {
    const got = rcpt(['"policy dept"@example.com unknown user'], 550, '"policy dept"@example.com');
    expect(got.reason).toBe('mailbox_not_found');
  });

  it('keeps the words around an address', () => {
    expect(withoutAddresses('permanent failure (nobody@example.com:blocked)')).toContain(':blocked)');
    expect(withoutAddresses('<a@b.c> x <unclosed')).toBe('  x <unclosed');
  });

  it('still reads whole block words', () => {
    expect(rcpt(['Rejected by header based Anti-Spoofing policy']).reason).toBe('blocked_by_server');
    expect(rcpt(['Message rejected as spam']).reason).toBe('blocked_by_server');
    expect(rcpt(['Rejected: listed at zen.spamhaus.org']).reason).toBe('blocked_by_server');
  });
});

describe('recipient limits and HELO refusals', () => {
  it('a recipient limit is neither greylisting nor a rejection, whatever its class', () => {
    for (const [code, text] of [[452, '4.5.3 Error: too many recipients'], [452, 'Too many recipients'], [552, '5.5.3 Too many recipients'], [451, '4.5.3 Recipient limit exceeded']] as const) {
      const got = rcpt([text], code);
      expect([got.outcome, got.recipientLimit, got.greylisted, got.cause], text).toEqual(['temporary', true, false, 'busy']);
    }
  });

  it('a HELO refusal at RCPT is a block of us, naming the HELO', () => {
    const got = rcpt(['5.5.2 <prober>: Helo command rejected: need fully-qualified hostname'], 504);
    expect([got.outcome, got.reason, got.helo, got.cause]).toEqual(['error', 'blocked_by_server', true, 'blocked']);
  });
});
