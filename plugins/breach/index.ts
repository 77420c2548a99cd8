import type { PluginHooks } from '../../protocol/index.ts';

/**
 * HaveIBeenPwned's breached-account API (v3): 200 with the breaches, 404 when none.
 * Without BZ_PLUGIN_BREACH_API_KEY the plugin has no opinion. Local hashed feeds are
 * matched on the edge, where `bouncezero breach import` stores them.
 */
const plugin: PluginHooks = {
  async enrich(address, ctx) {
    const key = ctx.settings.api_key;
    if (!key) return;
    const base = (ctx.settings.base_url || 'https://haveibeenpwned.com').replace(/\/+$/, '');
    const res = await ctx.fetch(`${base}/api/v3/breachedaccount/${encodeURIComponent(address.address)}?truncateResponse=true`, {
      headers: { 'hibp-api-key': key, 'user-agent': 'BounceZero' },
      signal: ctx.signal,
    });
    if (res.status === 404) return { signals: [{ source: 'breach', name: 'breached', ok: true, value: false }] };
    if (res.status !== 200) return { signals: [{ source: 'breach', name: 'breached', ok: false, value: null, detail: `HTTP ${res.status}` }] };
    const body: unknown = await res.json();
    const count = Array.isArray(body) ? body.length : 0;
    return { signals: [{ source: 'breach', name: 'breached', ok: true, value: count > 0, detail: `${count} breaches` }] };
  },
};

export default plugin;
