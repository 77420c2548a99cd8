/** Longest callback URL taken. */
export const MAX_CALLBACK_URL = 2048;

/**
 * `?callback_url=` at job creation: an absolute http(s) URL without credentials, checked when the
 * job is created so a typo is a 400 at once rather than a failed delivery an hour later. Whether
 * its host may be dialed is decided at each delivery (webhook-target.ts), when it is resolved.
 */
export function parseCallbackUrl(text: string): { url: URL } | { error: string } {
  if (text.length > MAX_CALLBACK_URL) return { error: `callback_url is longer than ${MAX_CALLBACK_URL} characters` };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { error: 'callback_url is not an absolute URL (e.g. https://example.com/hooks/bouncezero)' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { error: 'callback_url must be an http:// or https:// URL' };
  if (url.username || url.password) return { error: 'callback_url must not carry a user name or password; verify the signature header instead' };
  return { url };
}
