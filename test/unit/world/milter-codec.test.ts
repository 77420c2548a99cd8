import { describe, expect, it } from 'vitest';
import { MilterPacketReader, encodePacket, strings } from '../../world/milter-codec.ts';
import { REPLY_MILTER, mailReply, rcptReply } from '../../world/reply-milter-rules.ts';
import { renderMasterCf } from '../../world/render-postfix-master.ts';
import {
  AMBIGUOUS_REPLY, BLOCKLIST_REPLY, BLOCK_REPLIES, CHKUSER_NO_MAILBOX, CHKUSER_TURNED, CHKUSER_WRONG_RCPT_LIMIT, HARVEST_DOMAIN, HARVEST_NO_MAILBOX, HARVEST_TURNED, POSTMASTER_EXEMPT, SENDER_BLOCK_REPLIES, SPECIAL_RECIPIENTS, WORDLESS_DENY_REPLY,
  WORKSPACE_NO_SUCH_USER,
} from '../../world/world.ts';

describe('milter packets', () => {
  const stream = Buffer.concat([
    encodePacket('O', Buffer.from([0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0x1f, 0xff])),
    encodePacket('R', Buffer.from('<full@world.test>\0SIZE=10\0', 'latin1')),
    encodePacket('Q'),
  ]);

  it('reads the same packets whatever the chunk size', () => {
    for (let size = 1; size <= stream.length; size++) {
      const reader = new MilterPacketReader();
      const packets = [];
      for (let i = 0; i < stream.length; i += size) packets.push(...reader.push(stream.subarray(i, i + size)));
      expect(packets.map((p) => p.command)).toEqual(['O', 'R', 'Q']);
      expect(strings(packets[1]!.data)).toEqual(['<full@world.test>', 'SIZE=10']);
    }
  });
});

describe('reply milter rules', () => {
  it('rejects every recipient on the blocklist port, in its domain’s words (a DNSBL’s by default)', () => {
    expect(rcptReply('blocklist', '<alice@blocked.test>')).toBe(BLOCKLIST_REPLY);
    expect(rcptReply('blocklist', '<nobody@poorrep.test>')).toBe(BLOCK_REPLIES['poorrep.test']);
    expect(rcptReply('blocklist', '<Alice@PPBlocked.test>')).toBe(BLOCK_REPLIES['ppblocked.test']);
    expect(rcptReply('blocklist', '<alice@world.test>')).toBe(BLOCKLIST_REPLY);
  });

  it('rejects only the special recipients, whatever their case', () => {
    expect(rcptReply('recipients', '<FULL@World.Test>')).toBe(SPECIAL_RECIPIENTS['full@world.test']);
    expect(rcptReply('recipients', '<alice@world.test>')).toBeUndefined();
  });

  it('answers in each provider’s words on the provider port: mailboxes pass, special recipients and everyone else get its replies', () => {
    expect(rcptReply('provider', '<alice@workspace.test>')).toBeUndefined();
    expect(rcptReply('provider', '<Nobody@Workspace.test>')).toBe(WORKSPACE_NO_SUCH_USER);
    expect(rcptReply('provider', '<full@workspace.test>')).toBe(SPECIAL_RECIPIENTS['full@workspace.test']);
    expect(rcptReply('provider', '<nobody@proofpoint.test>')).toBe('550 5.7.1 <nobody@proofpoint.test>: Recipient address rejected: User email address is marked as invalid');
    expect(rcptReply('provider', '<alice@mimecast.test>')).toBeUndefined();
    expect(rcptReply('recipients', '<nobody@workspace.test>')).toBeUndefined();
  });

  it('refuses in Outlook.com’s generic words on the ambiguous port: who is no mailbox, and everyone on a shunning domain', () => {
    expect(rcptReply('ambiguous', '<alice@outlook.test>')).toBeUndefined();
    expect(rcptReply('ambiguous', '<postmaster@outlook.test>')).toBeUndefined();
    expect(rcptReply('ambiguous', '<nobody@outlook.test>')).toBe(AMBIGUOUS_REPLY);
    expect(rcptReply('ambiguous', '<postmaster@shunned.test>')).toBe(AMBIGUOUS_REPLY);
  });

  it('refuses all but postmaster@ of a postmaster-exempt domain in Exim’s wordless words on the ambiguous port', () => {
    const [domain] = POSTMASTER_EXEMPT;
    expect(rcptReply('ambiguous', `<alice@${domain}>`)).toBe(WORDLESS_DENY_REPLY);
    expect(rcptReply('ambiguous', `<postmaster@${domain}>`)).toBeUndefined();
  });

  it('answers as chkuser on its port: unknown ones refused until the session’s limit, then every RCPT, live ones too', () => {
    expect(rcptReply('chkuser', '<nobody@qmail.test>', 0)).toBe(CHKUSER_NO_MAILBOX);
    expect(rcptReply('chkuser', '<alice@qmail.test>', CHKUSER_WRONG_RCPT_LIMIT - 1)).toBeUndefined();
    expect(rcptReply('chkuser', '<alice@qmail.test>', CHKUSER_WRONG_RCPT_LIMIT)).toBe(CHKUSER_TURNED);
  });

  it('answers as a harvest guard for its domain on the chkuser port: its own words, and postmaster@ taken past the limit', () => {
    expect(rcptReply('chkuser', `<nobody@${HARVEST_DOMAIN}>`, 0)).toBe(HARVEST_NO_MAILBOX);
    expect(rcptReply('chkuser', `<alice@${HARVEST_DOMAIN}>`, CHKUSER_WRONG_RCPT_LIMIT - 1)).toBeUndefined();
    expect(rcptReply('chkuser', `<alice@${HARVEST_DOMAIN}>`, CHKUSER_WRONG_RCPT_LIMIT)).toBe(HARVEST_TURNED);
    expect(rcptReply('chkuser', `<postmaster@${HARVEST_DOMAIN}>`, CHKUSER_WRONG_RCPT_LIMIT)).toBeUndefined();
    expect(rcptReply('chkuser', '<postmaster@qmail.test>', CHKUSER_WRONG_RCPT_LIMIT)).toBe(CHKUSER_TURNED);
  });

  it('refuses every sender of a senderblock listener with its provider’s words, and nothing else', () => {
    const [address, reply] = Object.entries(SENDER_BLOCK_REPLIES)[0]!;
    expect(mailReply({ mailFrom: reply })).toBe(reply);
    expect(rcptReply({ mailFrom: reply }, '<alice@eop.test>')).toBeUndefined();
    expect(mailReply('recipients')).toBeUndefined();
    expect(mailReply('blocklist')).toBeUndefined();
    // Postfix asks the listener's own milter port; every senderblock listener has one, no two share it.
    const master = renderMasterCf({ address: '127.0.0.20', certFile: '/c', keyFile: '/k' });
    for (const [listener, port] of Object.entries(REPLY_MILTER.senderPorts)) {
      expect(master).toContain(`${listener}:smtp inet n - n - - smtpd`);
      expect(master.split(`${listener}:smtp`)[1]?.split(/\n\S/)[0]).toContain(`smtpd_milters=inet:127.0.0.1:${port}`);
    }
    expect(new Set(Object.values(REPLY_MILTER.senderPorts)).size).toBe(Object.keys(SENDER_BLOCK_REPLIES).length);
    expect(REPLY_MILTER.senderPorts[address]).toBeGreaterThan(REPLY_MILTER.recipientsPort);
  });
});
