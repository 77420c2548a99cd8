import type { SyntaxCheck } from '../../protocol/index.ts';
import { flagsOf, noFlags } from './flags.ts';
import { parseMailbox } from './parser.ts';
import { suggestDomain } from './typo.ts';

/**
 * Stage 1: is `input`, exactly as given, an RFC 5321 Mailbox that RCPT TO can carry, and what
 * does its text alone say (IDN, SMTPUTF8, role, disposable, free provider, a likely typo)?
 * Pure and total: any string, including lone surrogates and megabytes of brackets, gives a
 * result in time linear in its length.
 */
export function checkSyntax(input: string): SyntaxCheck {
  const mailbox = parseMailbox(input);
  if ('rule' in mailbox) {
    return {
      valid: false,
      rule: mailbox.rule,
      position: mailbox.position,
      normalized: null,
      local_part: null,
      domain: null,
      flags: noFlags(),
    };
  }
  const check: SyntaxCheck = {
    valid: true,
    normalized: `${mailbox.local}@${mailbox.domain}`,
    local_part: mailbox.local,
    domain: mailbox.domain,
    flags: flagsOf(mailbox),
  };
  if (mailbox.domainUnicode !== undefined) check.domain_unicode = mailbox.domainUnicode;
  const suggested = mailbox.literal ? undefined : suggestDomain(mailbox.domain);
  if (suggested !== undefined) check.suggestion = `${mailbox.local}@${suggested}`;
  return check;
}
