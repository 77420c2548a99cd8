/** RFC 5321 §4.1.2 atext: the characters a dot-atom local part may hold without quoting. */
const ATEXT = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+$/u;

function isDotAtom(local: string): boolean {
  return local.length > 0 && local.split('.').every((atom) => ATEXT.test(atom));
}

function isQuotedString(local: string): boolean {
  if (local.length < 2 || !local.startsWith('"') || !local.endsWith('"')) return false;
  const inner = local.slice(1, -1);
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === '\\') i++;
    else if (inner[i] === '"') return false;
  }
  return !inner.endsWith('\\') || inner.endsWith('\\\\');
}

/**
 * The mailbox as RFC 5321 writes it in a path: a local part that is no dot-atom travels as a
 * quoted string, so `"alice@home"@example.com` stays that address and never becomes
 * `alice@home@example.com`, someone else's. The domain (or address literal) follows the last "@".
 */
export function rcptPath(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return address;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (isDotAtom(local) || isQuotedString(local)) return `${local}@${domain}`;
  return `"${local.replace(/["\\]/g, (c) => `\\${c}`)}"@${domain}`;
}
