/**
 * The reversed form of an address, as PTR (`in-addr.arpa` / `ip6.arpa`) and DNSBL (`<rev>.<zone>`)
 * names use it; null for anything that is not an IPv4 or IPv6 literal.
 */
export function reversedLabels(address: string): { labels: string; v6: boolean } | null {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (v4) {
    const octets = v4.slice(1).map(Number);
    if (octets.some((o) => o > 255)) return null;
    return { labels: octets.reverse().join('.'), v6: false };
  }
  const nibbles = expandV6(address);
  return nibbles ? { labels: nibbles.split('').reverse().join('.'), v6: true } : null;
}

export function ptrName(address: string): string | null {
  const r = reversedLabels(address);
  return r ? `${r.labels}.${r.v6 ? 'ip6' : 'in-addr'}.arpa` : null;
}

/** 32 hex nibbles of an IPv6 literal, or null. */
function expandV6(address: string): string | null {
  if (!/^[0-9a-f:]+$/i.test(address) || !address.includes(':')) return null;
  const halves = address.toLowerCase().split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const fill = 8 - head.length - tail.length;
  if ((halves.length === 1 && fill !== 0) || fill < 0) return null;
  const groups = [...head, ...Array<string>(fill).fill('0'), ...tail];
  if (groups.some((g) => g.length === 0 || g.length > 4)) return null;
  return groups.map((g) => g.padStart(4, '0')).join('');
}

/** DNS names compare without case and without the root dot. */
export function sameName(a: string, b: string): boolean {
  return a.replace(/\.$/, '').toLowerCase() === b.replace(/\.$/, '').toLowerCase();
}
