/**
 * A fetch that reaches only the hosts a plugin's manifest names, tied to the hook's
 * abort signal. Redirects are not followed, so a listed host cannot bounce the
 * request to an unlisted one.
 */
export function scopedFetch(base: typeof fetch, hosts: readonly string[], signal: AbortSignal): typeof fetch {
  const allowed = new Set(hosts.map((h) => h.toLowerCase()));
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!allowed.has(url.host.toLowerCase()) && !allowed.has(url.hostname.toLowerCase())) {
      return Promise.reject(new Error(`fetch to ${url.host} is not allowed by the plugin's manifest`));
    }
    const signals = init?.signal ? AbortSignal.any([signal, init.signal]) : signal;
    return base(url, { ...init, signal: signals, redirect: 'manual' });
  };
}
