import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SmtpReply } from '../../../protocol/index.ts';
import { classifyReply, type ReplyPhase } from '../../../prober/smtp/classify-reply.ts';
import { enhancedCodeOf } from '../../../prober/smtp/enhanced-code.ts';

interface CorpusEntry {
  reply: string[];
  phase?: ReplyPhase;
  smtputf8Needed?: boolean;
  /** The MAIL FROM and RCPT TO of the transaction, for a reply that names one of them. */
  sender?: string;
  recipient?: string;
  expect: { outcome: string; reason: string; retry_after_s?: number; greylisted?: boolean; blocked?: boolean; closing?: boolean; helo?: boolean };
  source: string;
  url?: string;
  meaning?: string;
  /** Where the basic code and the meaning disagree (a 550 that means "your IP is limited"). */
  code_disagrees?: string;
}

const corpus: CorpusEntry[] = JSON.parse(readFileSync(new URL('../../fixtures/smtp-replies.json', import.meta.url), 'utf8'));

/** Wire lines to a reply the way the parser hands it over: code, texts, enhanced from the first line. */
function replyOf(wire: readonly string[]): SmtpReply {
  const code = Number(wire[0]!.slice(0, 3));
  const lines = wire.map((l) => l.slice(4));
  const enhanced = enhancedCodeOf(lines[0] ?? '', code);
  return enhanced ? { code, enhanced, lines } : { code, lines };
}

describe('classifyReply over the corpus of real replies', () => {
  it('has a broad corpus, every entry annotated with its source', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(800);
    for (const e of corpus) expect(e.source.length).toBeGreaterThan(3);
  });

  it('documents the providers it names: where, what it means, and where code and meaning disagree', () => {
    const documented = corpus.filter((e) => e.url !== undefined);
    expect(documented.length).toBeGreaterThanOrEqual(700);
    for (const e of documented) {
      expect(e.url).toMatch(/^https?:\/\//);
      expect(e.meaning?.length ?? 0).toBeGreaterThan(5);
    }
    expect(corpus.filter((e) => e.code_disagrees !== undefined).length).toBeGreaterThanOrEqual(65);
  });

  it.each(corpus.map((e) => [e.reply.join(' | ').slice(0, 90), e] as const))('%s', (_, entry) => {
    const envelope = { ...(entry.sender ? { sender: entry.sender } : {}), ...(entry.recipient ? { recipient: entry.recipient } : {}) };
    const got = classifyReply(replyOf(entry.reply), { phase: entry.phase ?? 'rcpt', smtputf8Needed: entry.smtputf8Needed ?? false, ...envelope });
    expect({ outcome: got.outcome, reason: got.reason }).toEqual({ outcome: entry.expect.outcome, reason: entry.expect.reason });
    expect(got.retry_after_s).toBe(entry.expect.retry_after_s);
    for (const flag of ['greylisted', 'blocked', 'closing', 'helo'] as const) {
      if (entry.expect[flag] !== undefined) expect(got[flag], flag).toBe(entry.expect[flag]);
    }
  });
});

describe('classifyReply rules', () => {
  const rcpt = { phase: 'rcpt' } as const;

  it('lets the enhanced code decide over the text', () => {
    // 4.3.1 is the system's disk: a "mailbox full" wording does not make it the mailbox.
    expect(classifyReply({ code: 452, enhanced: '4.3.1', lines: ['4.3.1 mailbox full'] }, rcpt).reason).toBe('temporary_failure');
    expect(classifyReply({ code: 550, enhanced: '5.2.2', lines: ['5.2.2 user unknown'] }, rcpt).reason).toBe('mailbox_full');
  });

  it('reads the mailbox’s state from its words when a mailbox code says another, but never turns full into missing', () => {
    expect(classifyReply({ code: 552, enhanced: '5.1.1', lines: ['5.1.1 Recipient overquota'] }, rcpt).reason).toBe('mailbox_full');
    expect(classifyReply({ code: 550, enhanced: '5.2.1', lines: ['5.2.1 Addressee unknown'] }, rcpt).reason).toBe('mailbox_not_found');
    expect(classifyReply({ code: 550, enhanced: '5.1.1', lines: ['5.1.1 Sorry'] }, rcpt).reason).toBe('mailbox_not_found');
  });

  it('takes no verdict on the mailbox from 503, bad sequence of commands, whatever its words', () => {
    expect(classifyReply({ code: 503, lines: ['User unknown'] }, rcpt)).toMatchObject({ outcome: 'error', reason: 'smtp_protocol_error' });
  });

  it('does not take a limit on our IP for a limit on recipients per transaction', () => {
    const got = classifyReply({ code: 550, lines: ['This IP has sent too many to too many recipients this hour. IB607'] }, rcpt);
    expect([got.recipientLimit, got.reason, got.namesOurIp]).toEqual([false, 'blocked_by_server', true]);
    expect(classifyReply({ code: 452, enhanced: '4.5.3', lines: ['4.5.3 Too many recipients'] }, rcpt).recipientLimit).toBe(true);
  });

  it('takes only a permanent refusal for "this MX takes no mail for the domain", and an hourly limit on us for no recipient limit', () => {
    expect(classifyReply({ code: 451, lines: ['Open relay not allowed - https://community.mimecast.com/docs/DOC-1369#451'] }, rcpt).relayDenied).toBe(false);
    expect(classifyReply({ code: 554, enhanced: '5.7.1', lines: ['5.7.1 <x@y.test>: Relay access denied'] }, rcpt).relayDenied).toBe(true);
    const hourly = classifyReply({ code: 452, lines: ['Too many recipients received this hour'] }, rcpt);
    expect([hourly.recipientLimit, hourly.reason, hourly.namesOurIp]).toEqual([false, 'blocked_by_server', true]);
  });

  it('takes a refusal that names our sender and not the recipient for a refusal of us, whatever it says is unknown', () => {
    const context = { phase: 'rcpt', recipient: 'alice@d.test', sender: 'verify@prober.test' } as const;
    expect(classifyReply({ code: 550, lines: ['Verification failed for <verify@prober.test>', 'Unrouteable address', 'Sender address unusable'] }, context)).toMatchObject({ outcome: 'error', reason: 'blocked_by_server', blocked: true });
    expect(classifyReply({ code: 550, enhanced: '5.1.1', lines: ['5.1.1 <verify@prober.test>: User unknown in local recipient table'] }, context).reason).toBe('blocked_by_server');
    expect(classifyReply({ code: 450, lines: ['<verify@prober.test>: unverified address'] }, context)).toMatchObject({ outcome: 'temporary', blocked: true });
    // Both named, or the recipient alone: the words judge the recipient as usual.
    expect(classifyReply({ code: 550, enhanced: '5.1.1', lines: ['5.1.1 <alice@d.test>: User unknown (from <verify@prober.test>)'] }, context).reason).toBe('mailbox_not_found');
    expect(classifyReply({ code: 550, enhanced: '5.1.1', lines: ['5.1.1 <alice@d.test>: User unknown'] }, context).reason).toBe('mailbox_not_found');
    // Our domain alone (SoftBank's check that the MAIL FROM domain resolves), and not the recipient's.
    expect(classifyReply({ code: 553, lines: ['prober.test does not exist'] }, context)).toMatchObject({ outcome: 'error', reason: 'blocked_by_server' });
    expect(classifyReply({ code: 553, lines: ['prober.test does not exist'] }, { ...context, recipient: 'alice@prober.test' }).reason).toBe('mailbox_not_found');
    expect(classifyReply({ code: 550, lines: ['d.test: no such user here (prober.test)'] }, context).reason).toBe('mailbox_not_found');
  });

  it('reads the backend reply a gateway’s recipient verification quotes: its verdict on the mailbox, nothing else', () => {
    const quoting = (code: number, status: string, backend: string) => ({ code, lines: [`<a@d.test>: Recipient address rejected: ${status} address: host mx.d.test[10.0.0.2] said: ${backend} (in reply to RCPT TO command)`] });
    // The backend's verdict, even under Postfix's default 450 for it.
    expect(classifyReply(quoting(450, 'unverified', '550 5.1.1 <a@d.test>: User unknown in local recipient table'), rcpt)).toMatchObject({ outcome: 'rejected', reason: 'mailbox_not_found' });
    expect(classifyReply(quoting(550, 'undeliverable', '552 5.2.2 <a@d.test>: Mailbox full'), rcpt)).toMatchObject({ outcome: 'rejected', reason: 'mailbox_full' });
    // The backend refused the gateway's probe (its sender <>, its IP): no verdict, and not a block of us.
    expect(classifyReply(quoting(550, 'undeliverable', '550 5.7.1 <>: Sender address rejected: Access denied'), rcpt)).toMatchObject({ outcome: 'error', reason: 'temporary_failure', blocked: false });
    expect(classifyReply(quoting(450, 'undeliverable', '554 5.7.1 Client host [10.0.0.1] blocked using zen.spamhaus.org'), rcpt)).toMatchObject({ outcome: 'temporary', reason: 'temporary_failure', blocked: false, namesOurIp: false });
    // The backend's own "not now" is not final.
    expect(classifyReply(quoting(450, 'unverified', '451 4.3.0 <a@d.test>: Temporary lookup failure'), rcpt)).toMatchObject({ outcome: 'temporary', reason: 'temporary_failure', blocked: false });
    // No reply code after "said:": nothing quoted, the gateway's own words are read.
    expect(classifyReply(quoting(450, 'unverified', '5x0 garbled'), rcpt)).toMatchObject({ outcome: 'temporary' });
    expect(classifyReply(quoting(550, 'undeliverable', '55'), rcpt)).toMatchObject({ outcome: 'rejected', reason: 'mailbox_not_found' });
    // Exim's recipient callout quotes its backend on lines of their own, to RCPT or to the callout's MAIL FROM.
    const callout = (backend: string[]) => ({ code: 550, lines: ['Callout verification failed:', ...backend] });
    expect(classifyReply(callout(['550 5.1.1 <a@d.test>: Recipient address rejected: User unknown']), rcpt)).toMatchObject({ outcome: 'rejected', reason: 'mailbox_not_found' });
    expect(classifyReply(callout(['550-5.1.1 The email account that you tried to reach does not exist.', '550 5.1.1 https://support.google.com/mail/?p=NoSuchUser']), rcpt).reason).toBe('mailbox_not_found');
    expect(classifyReply(callout(['554 5.7.1 Client host [10.0.0.1] blocked using zen.spamhaus.org']), rcpt)).toMatchObject({ outcome: 'error', reason: 'temporary_failure', namesOurIp: false });
    // Our own sender verified and refused: about us.
    const sender = { code: 550, enhanced: '5.1.7', lines: ['5.1.7 <v@p.test>: Sender address rejected: undeliverable address: host mx.p.test[192.0.2.9] said: 550 5.1.1 User unknown (in reply to RCPT TO command)'] };
    expect(classifyReply(sender, rcpt)).toMatchObject({ outcome: 'error', reason: 'blocked_by_server' });
  });

  it('reads a provider quirk on a 4xx before the words that would otherwise decide', () => {
    // "busy" under a policy code: not a block of us.
    expect(classifyReply({ code: 451, enhanced: '4.7.700', lines: ['4.7.700 PFA agent busy, please try again.'] }, rcpt)).toMatchObject({ reason: 'temporary_failure', blocked: false });
    // A rate that is the recipient's, worded with our "rate limit".
    expect(classifyReply({ code: 450, enhanced: '4.2.1', lines: ['4.2.1 The recipient has exceeded message rate limit. Try again later.'] }, rcpt)).toMatchObject({ reason: 'temporary_failure', blocked: false });
    // A quirk that judges the mailbox judges nothing on a 4xx.
    expect(classifyReply({ code: 450, lines: ['Le compte du destinataire est bloque'] }, rcpt)).toMatchObject({ outcome: 'temporary', reason: 'temporary_failure' });
  });

  it('takes a bare refusal that asks to be tried again for a temporary failure, not for a question postmaster@ could settle', () => {
    expect(classifyReply({ code: 550, lines: ['Requested action not taken: mailbox unavailable', 'Failure sending mail. Try again later'] }, rcpt)).toMatchObject({ outcome: 'error', reason: 'temporary_failure', ambiguous: false });
    expect(classifyReply({ code: 550, lines: ['Requested action not taken: mailbox unavailable'] }, rcpt).ambiguous).toBe(true);
  });

  it('lets the text decide over the bare code', () => {
    expect(classifyReply({ code: 550, lines: ['blocked using b.barracudacentral.org'] }, rcpt).reason).toBe('blocked_by_server');
    expect(classifyReply({ code: 550, lines: ['Mailbox quota exceeded'] }, rcpt).reason).toBe('mailbox_full');
    expect(classifyReply({ code: 550, lines: ['Requested action not taken'] }, rcpt).reason).toBe('ambiguous_refusal');
  });

  it('reads the enhanced code from the text when the parser left it out', () => {
    expect(classifyReply({ code: 550, lines: ['5.2.1 Sorry'] }, rcpt).reason).toBe('mailbox_disabled');
    expect(classifyReply({ code: 550, lines: ['no mailbox (#5.1.1)'] }, rcpt).reason).toBe('mailbox_not_found');
    // a class that disagrees with the reply code is not an enhanced code (RFC 2034)
    expect(classifyReply({ code: 550, lines: ['4.2.2 sorry'] }, rcpt).reason).toBe('ambiguous_refusal');
  });

  it('takes a mailbox code whose words name our IP or a blocklist for a block, not for the address', () => {
    expect(classifyReply({ code: 550, enhanced: '5.1.1', lines: ['5.1.1 Mailbox unavailable. Your IP address 192.0.2.1 is listed at zen.spamhaus.org'] }, rcpt)).toMatchObject({ outcome: 'error', reason: 'blocked_by_server', namesOurIp: true });
    // Proofpoint names our IP only through its lookup page: the block is of us at every Proofpoint host.
    expect(classifyReply({ code: 554, lines: ['Blocked - see https://ipcheck.proofpoint.com/?ip=192.0.2.1'] }, rcpt)).toMatchObject({ outcome: 'error', reason: 'blocked_by_server', namesOurIp: true });
    expect(classifyReply({ code: 550, enhanced: '5.2.1', lines: ['5.2.1 Mailbox unavailable. Your IP address 192.0.2.1 is blacklisted using RBL-Plus.'] }, rcpt)).toMatchObject({ outcome: 'error', reason: 'blocked_by_server' });
    expect(classifyReply({ code: 552, enhanced: '5.2.2', lines: ['5.2.2 Over quota; sending IP 192.0.2.1 has a bad reputation'] }, rcpt).reason).toBe('blocked_by_server');
    // Words about us and none about the mailbox: the code is not believed either.
    expect(classifyReply({ code: 571, lines: ['sorry, you are violating our security policies (#5.1.1 - chkuser)'] }, rcpt).reason).toBe('blocked_by_server');
    expect(classifyReply({ code: 550, enhanced: '5.1.2', lines: ['5.1.2 Relay not allowed.'] }, rcpt)).toMatchObject({ reason: 'blocked_by_server', relayDenied: true });
    expect(classifyReply({ code: 550, enhanced: '5.2.1', lines: ['5.2.1 DDENY 192.0.2.1 : The receiver denied your mail. Please contact the receiver with another way.'] }, rcpt).reason).toBe('blocked_by_server');
    // Exim's sender callout in its long form: the unrouteable address is ours.
    expect(classifyReply({ code: 550, lines: ['Verification failed for <bz@prober.example>', 'Unrouteable address', 'Sender verification failed'] }, rcpt).reason).toBe('blocked_by_server');
    // Words about both: the mailbox's state stands.
    expect(classifyReply({ code: 550, enhanced: '5.1.1', lines: ['5.1.1 User unknown (policy)'] }, rcpt).reason).toBe('mailbox_not_found');
    // The same codes without words about us stay answers about the mailbox.
    expect(classifyReply({ code: 550, enhanced: '5.1.1', lines: ['5.1.1 Mailbox unavailable'] }, rcpt).reason).toBe('mailbox_not_found');
    expect(classifyReply({ code: 550, enhanced: '5.2.1', lines: ['5.2.1 The email account that you tried to reach is disabled.'] }, rcpt).reason).toBe('mailbox_disabled');
  });

  it('keeps 5.7.x a block unless the text names only the mailbox', () => {
    expect(classifyReply({ code: 550, enhanced: '5.7.1', lines: ['5.7.1 Recipient address rejected: User unknown'] }, rcpt).reason).toBe('mailbox_not_found');
    expect(classifyReply({ code: 550, enhanced: '5.7.1', lines: ['5.7.1 User unknown; client host [192.0.2.1] blocked using zen.spamhaus.org'] }, rcpt).reason).toBe('blocked_by_server');
    expect(classifyReply({ code: 550, enhanced: '5.7.1', lines: ['5.7.1 Message rejected'] }, rcpt).reason).toBe('blocked_by_server');
  });

  it('tests words, not substrings, where a substring would lie', () => {
    expect(classifyReply({ code: 550, lines: ['Account locked'] }, rcpt).reason).toBe('mailbox_disabled');
    expect(classifyReply({ code: 550, lines: ['Message blocked'] }, rcpt).reason).toBe('blocked_by_server');
  });

  it('never judges the address outside RCPT', () => {
    for (const phase of ['banner', 'ehlo', 'helo', 'mail'] as const) {
      const got = classifyReply({ code: 550, enhanced: '5.1.1', lines: ['5.1.1 User unknown'] }, { phase });
      expect([got.outcome, got.reason, got.blocked]).toEqual(['error', 'blocked_by_server', true]);
    }
    for (const phase of ['rset', 'starttls'] as const) {
      expect(classifyReply({ code: 552, lines: ['Mailbox full'] }, { phase }).reason).toBe('smtp_protocol_error');
    }
    expect(classifyReply({ code: 450, enhanced: '4.1.1', lines: ['4.1.1 User unknown'] }, rcpt).reason).toBe('temporary_failure');
  });

  it('turns replies that are not SMTP into a protocol error', () => {
    for (const code of [0, 99, 600, 1.5, Number.NaN]) {
      expect(classifyReply({ code, lines: ['x'] }, rcpt)).toEqual({
        outcome: 'error', reason: 'smtp_protocol_error', cause: 'broken', closing: false, greylisted: false, blocked: false,
        ambiguous: false, recipientLimit: false, busy: false, namesOurIp: false, helo: false, relayDenied: false,
      });
    }
    expect(classifyReply({ code: 250, lines: null as unknown as string[] }, rcpt).reason).toBe('smtp_protocol_error');
  });

  it('recognises SMTPUTF8 refusals only when the address needs it', () => {
    const reply = { code: 553, enhanced: '5.1.3', lines: ['5.1.3 SMTPUTF8 required'] };
    expect(classifyReply(reply, { phase: 'rcpt', smtputf8Needed: true }).reason).toBe('smtputf8_unsupported');
    expect(classifyReply(reply, rcpt).reason).toBe('mailbox_not_found');
  });

  it('bounds the retry delay and only reads it next to a cue word', () => {
    const delay = (text: string) => classifyReply({ code: 450, lines: [text] }, rcpt).retry_after_s;
    expect(delay('Greylisted, try again in 86400 seconds')).toBe(86_400);
    expect(delay('Greylisted, try again in 86401 seconds')).toBeUndefined();
    expect(delay('Greylisted, try again in 0 seconds')).toBeUndefined();
    expect(delay('Greylisted, retry after 2 hours')).toBe(7200);
    expect(delay('Greylisted, wait 90s')).toBe(90);
    expect(delay('Greylisted 300 seconds')).toBeUndefined();
    expect(delay('Greylisted, try again in %s seconds')).toBeUndefined();
    expect(delay('Greylisted, try again in 99999999999999999999 seconds')).toBeUndefined();
    expect(delay('Greylisted for constructor toString seconds')).toBeUndefined();
  });

  it('stays linear on hostile text', () => {
    const line = `${'try again in 1 '.repeat(60)}${'a'.repeat(900)}`.slice(0, 1024);
    const got = classifyReply({ code: 451, lines: Array.from({ length: 64 }, () => line) }, rcpt);
    expect(got.greylisted).toBe(true);
  });
});
