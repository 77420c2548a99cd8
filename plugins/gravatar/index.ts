import { sha256Hex, type PluginHooks } from '../../protocol/index.ts';

/** Gravatar keys avatars by the SHA-256 of the trimmed, lower-cased address. */
export async function gravatarHash(address: string): Promise<string> {
  return sha256Hex(address.trim().toLowerCase());
}

const plugin: PluginHooks = {
  async enrich(address, ctx) {
    // Off unless the operator opts in: it tells a third party (a hash of) every address checked.
    if (ctx.settings.enabled !== 'true') return;
    const base = (ctx.settings.base_url || 'https://gravatar.com').replace(/\/+$/, '');
    const url = `${base}/avatar/${await gravatarHash(address.address)}?d=404`;
    const res = await ctx.fetch(url, { method: 'HEAD', signal: ctx.signal });
    if (res.status === 200) return { signals: [{ source: 'gravatar', name: 'has_avatar', ok: true, value: true, detail: url.replace('?d=404', '') }] };
    if (res.status === 404) return { signals: [{ source: 'gravatar', name: 'has_avatar', ok: true, value: false }] };
    return { signals: [{ source: 'gravatar', name: 'has_avatar', ok: false, value: null, detail: `HTTP ${res.status}` }] };
  },
};

export default plugin;
