/** What the reply milter answers, by the port Postfix reached it on. */
import {
  AMBIGUOUS_REPLY, AMBIGUOUS_TO_EVERYONE, BLOCKLIST_REPLY, BLOCK_REPLIES, CHKUSER_NO_MAILBOX, CHKUSER_TURNED, CHKUSER_WRONG_RCPT_LIMIT, HARVEST_DOMAIN,
  HARVEST_NO_MAILBOX, HARVEST_TURNED, MAILBOXES, NO_SUCH_USER_REPLIES, POSTMASTER_EXEMPT, SENDER_BLOCK_REPLIES, SPECIAL_RECIPIENTS, WORDLESS_DENY_REPLY,
} from './world.ts';

/** The first port of the senderblock listeners' milters: one port each, in SENDER_BLOCK_REPLIES order. */
const FIRST_SENDER_PORT = 10030;

export const REPLY_MILTER = {
  address: '127.0.0.1',
  blocklistPort: 10025,
  recipientsPort: 10026,
  providerPort: 10027,
  ambiguousPort: 10028,
  chkuserPort: 10029,
  /** The milter port of each senderblock listener (by its address). */
  senderPorts: Object.fromEntries(Object.keys(SENDER_BLOCK_REPLIES).map((address, i) => [address, FIRST_SENDER_PORT + i])) as Readonly<Record<string, number>>,
} as const;

/**
 * Every RCPT refused in its domain's words (blocklist), the special recipients refused
 * (recipients), the special recipients and every address that is no mailbox refused in its
 * provider's words (provider), the addresses that are no mailbox (or all, on
 * AMBIGUOUS_TO_EVERYONE) refused in Outlook.com's generic words and all but postmaster@ of
 * POSTMASTER_EXEMPT in Exim's (ambiguous), or every MAIL FROM refused with one reply.
 */
export type MilterMode = 'blocklist' | 'recipients' | 'provider' | 'ambiguous' | 'chkuser' | { mailFrom: string };

const USUAL: ReadonlySet<string> = new Set(MAILBOXES);

const SPECIAL: ReadonlyMap<string, string> = new Map(Object.entries(SPECIAL_RECIPIENTS));

/**
 * The reply for `RCPT TO:<address>` (the argument as Postfix forwards it), or undefined to accept.
 * `wrong`: the session's RCPTs so far that were no mailbox (the chkuser mode counts them, for
 * qmail.test as qmail's chkuser, for HARVEST_DOMAIN as a harvest guard that exempts postmaster@).
 */
export function rcptReply(mode: MilterMode, argument: string, wrong = 0): string | undefined {
  if (typeof mode === 'object') return undefined;
  const address = argument.replace(/^<|>$/g, '').toLowerCase();
  const at = address.lastIndexOf('@');
  const domain = address.slice(at + 1);
  const mailbox = USUAL.has(address.slice(0, at));
  switch (mode) {
    case 'blocklist':
      return BLOCK_REPLIES[domain] ?? BLOCKLIST_REPLY;
    case 'recipients':
      return SPECIAL.get(address);
    case 'ambiguous':
      if (POSTMASTER_EXEMPT.includes(domain)) return address === `postmaster@${domain}` ? undefined : WORDLESS_DENY_REPLY;
      return mailbox && !AMBIGUOUS_TO_EVERYONE.includes(domain) ? undefined : AMBIGUOUS_REPLY;
    case 'provider':
      return SPECIAL.get(address) ?? (mailbox ? undefined : NO_SUCH_USER_REPLIES[domain]?.(address));
    case 'chkuser': {
      const harvest = domain === HARVEST_DOMAIN;
      if (harvest && address === `postmaster@${domain}`) return undefined;
      if (wrong >= CHKUSER_WRONG_RCPT_LIMIT) return harvest ? HARVEST_TURNED : CHKUSER_TURNED;
      return mailbox ? undefined : harvest ? HARVEST_NO_MAILBOX : CHKUSER_NO_MAILBOX;
    }
  }
}

/** The reply for MAIL FROM, or undefined to accept. */
export function mailReply(mode: MilterMode): string | undefined {
  return typeof mode === 'object' ? mode.mailFrom : undefined;
}
