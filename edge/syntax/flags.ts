import type { SyntaxFlags } from '../../protocol/index.ts';
import { isDisposable, isFreeProvider } from './domain-lists.ts';
import type { Mailbox } from './parser.ts';
import { ROLE_ACCOUNTS } from './role-accounts.ts';

const ROLES = new Set(ROLE_ACCOUNTS);
const LONGEST_ROLE = ROLE_ACCOUNTS.reduce((n, r) => Math.max(n, r.length), 0);

export function flagsOf(mailbox: Mailbox): SyntaxFlags {
  return {
    address_literal: mailbox.literal,
    smtputf8: mailbox.utf8Local,
    role: isRole(mailbox.local),
    disposable: !mailbox.literal && isDisposable(mailbox.domain),
    free_provider: !mailbox.literal && isFreeProvider(mailbox.domain),
  };
}

/** Flags describe a valid address; an invalid one has none. */
export function noFlags(): SyntaxFlags {
  return { address_literal: false, smtputf8: false, role: false, disposable: false, free_provider: false };
}

/** `Info+2024@`, `"sales"@` and `no-reply@` are roles; the tag and the quotes are not the name. */
export function isRole(local: string): boolean {
  let from = 0;
  let to = local.length;
  if (local.charCodeAt(0) === 34) {
    from = 1;
    to--;
  }
  const plus = local.indexOf('+', from);
  if (plus >= 0 && plus < to) to = plus;
  if (to - from > LONGEST_ROLE || to === from) return false;
  return ROLES.has(local.slice(from, to).toLowerCase());
}
