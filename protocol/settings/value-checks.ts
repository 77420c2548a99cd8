/**
 * Checks for one item of a setting's value. Each returns null when the item is fine, or what is
 * wrong with it (the caller names the setting). A message never repeats a value that may hold a
 * password.
 */
export type ValueCheck = (item: string) => string | null;

/** http(s) URL; `json+https://…` marks a DoH endpoint that speaks only the JSON API. */
export const httpUrl: ValueCheck = (item) => {
  const url = item.startsWith('json+') ? item.slice(5) : item;
  if (!URL.canParse(url)) return 'is not a URL';
  const { protocol } = new URL(url);
  return protocol === 'https:' || protocol === 'http:' ? null : 'is not an http(s) URL (json+https:// for a JSON-only DoH endpoint)';
};

export const wsUrl: ValueCheck = (item) => (/^wss?:\/\//.test(item) && URL.canParse(item) ? null : 'is not a ws:// or wss:// URL');

/** a.b.c.d/n or an IPv6 network; the syntax only (net/cidr.ts parses it for use). */
export const cidr: ValueCheck = (item) => {
  const [addr = '', bits, extra] = item.split('/');
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(addr);
  const isV4 = v4 !== null && v4.slice(1).every((o) => Number(o) <= 255);
  const isV6 = !isV4 && /^[0-9a-f:.]+$/i.test(addr) && addr.includes(':');
  if (!isV4 && !isV6) return 'is not an IPv4 or IPv6 network (a.b.c.d/n)';
  const max = isV4 ? 32 : 128;
  if (extra !== undefined || bits === undefined || !/^\d+$/.test(bits) || Number(bits) > max) return `needs a prefix length /0–/${max}`;
  return null;
};

/** A bare address stands for itself (/32 or /128). */
export const addressOrCidr: ValueCheck = (item) => {
  if (item.includes('/')) return cidr(item);
  return cidr(`${item}/${item.includes(':') ? 128 : 32}`) === null ? null : 'is not an IPv4 or IPv6 address or network';
};

export const hostPort: ValueCheck = (item) => {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+):(\d{1,5})$/i.exec(item);
  return m && Number(m[2]) >= 1 && Number(m[2]) <= 65535 ? null : 'is not host:port';
};

/** socks5://user:pass@host:port or host:port. */
export const socks5Url: ValueCheck = (value) => {
  if (!value.includes('://')) return hostPort(value);
  if (!URL.canParse(value)) return 'is not a socks5:// URL';
  const url = new URL(value);
  if (url.protocol !== 'socks5:') return 'must start with socks5://';
  if (url.port === '' || url.pathname.replace(/^\/$/, '') !== '' || url.search || url.hash) return 'must be socks5://[user:pass@]host:port';
  return null;
};

export const noControlChars: ValueCheck = (item) => (/[\x00-\x1f\x7f]/.test(item) ? 'contains control characters' : null);
