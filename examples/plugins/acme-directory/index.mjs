// A third-party plugin is plain ESM: no build step, no imports from BounceZero needed.
// The types it can check itself against are PluginHooks in protocol/plugin.ts.

/** ACME only ever hands out first.last addresses; anything else cannot exist. */
function isAcmeShape(local) {
  return /^[a-z]+\.[a-z]+$/.test(local.toLowerCase());
}

export default {
  beforeSmtp(address) {
    if (!isAcmeShape(address.local_part)) {
      return { skip: { reason: 'invalid_for_provider', detail: 'ACME addresses are first.last' } };
    }
  },

  async enrich(address, ctx) {
    const base = ctx.settings.directory_url ?? 'https://directory.acme.test';
    const res = await ctx.fetch(`${base}/people?email=${encodeURIComponent(address.address)}`, { signal: ctx.signal });
    if (res.status === 404) return { signals: [{ source: 'acme-directory', name: 'in_directory', ok: true, value: false }] };
    if (!res.ok) return { signals: [{ source: 'acme-directory', name: 'in_directory', ok: false, value: null, detail: `HTTP ${res.status}` }] };
    const person = await res.json();
    return { signals: [{ source: 'acme-directory', name: 'in_directory', ok: true, value: true, detail: String(person.team ?? '') }] };
  },
};
