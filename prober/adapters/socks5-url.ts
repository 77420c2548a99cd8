/**
 * BZ_SOCKS5 as given: `socks5://user:password@host:port`, `socks5://host:port` or plain
 * `host:port` (no authentication). Errors say what is wrong, never echo the value: it may
 * hold the password.
 */
export interface Socks5Proxy {
  host: string;
  port: number;
  /** RFC 1929 credentials, UTF-8; absent means no authentication is offered. */
  auth?: { user: Uint8Array; password: Uint8Array };
}

export type ParsedProxy = { ok: true; proxy: Socks5Proxy } | { ok: false; error: string };

const DEFAULT_PORT = 1080;

export function parseSocks5Url(value: string): ParsedProxy {
  const text = value.trim();
  const withScheme = text.includes('://') ? text : `socks5://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return fail('is not a URL of the form socks5://[user:password@]host:port');
  }
  if (url.protocol !== 'socks5:') return fail(`has scheme ${JSON.stringify(url.protocol.slice(0, 16))}, not socks5:`);
  if (url.hostname === '') return fail('names no proxy host');
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') return fail('has a path, query or fragment');
  const port = url.port === '' ? DEFAULT_PORT : Number(url.port);
  if (!(port >= 1 && port <= 65535)) return fail('has a port outside 1-65535');
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (url.username === '' && url.password === '') return { ok: true, proxy: { host, port } };
  const user = decoded(url.username);
  const password = decoded(url.password);
  if (!user || !password) return fail('has a user name or password that is not valid percent-encoding');
  const encoder = new TextEncoder();
  const auth = { user: encoder.encode(user), password: encoder.encode(password) };
  if (auth.user.length < 1 || auth.user.length > 255 || auth.password.length > 255) {
    return fail('needs a user name of 1-255 bytes and a password of at most 255 bytes (RFC 1929)');
  }
  return { ok: true, proxy: { host, port, auth } };
}

/** Host and port only, for messages and logs. */
export function describeProxy(proxy: Socks5Proxy): string {
  return `${proxy.host.includes(':') ? `[${proxy.host}]` : proxy.host}:${proxy.port}${proxy.auth ? ' (with authentication)' : ''}`;
}

function decoded(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

function fail(what: string): ParsedProxy {
  return { ok: false, error: `BZ_SOCKS5 ${what}` };
}
