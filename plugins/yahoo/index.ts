import type { PluginHooks } from '../../protocol/index.ts';

/** Yahoo IDs: 4 to 32 characters, start with a letter; letters, digits, one '.' or '_' at a time; no symbol at the end. */
export function yahooAccount(local: string): { ok: true } | { ok: false; why: string } {
  const name = local.toLowerCase().split('-')[0] ?? '';
  if (name.length < 4 || name.length > 32) return { ok: false, why: 'must be 4 to 32 characters' };
  if (!/^[a-z]/.test(name)) return { ok: false, why: 'must start with a letter' };
  if (!/^[a-z0-9._]+$/.test(name)) return { ok: false, why: "only letters, digits, '.' and '_' are allowed" };
  if (/[._]$/.test(name) || /[._]{2}/.test(name)) return { ok: false, why: "misplaced '.' or '_'" };
  if ((name.match(/\./g) ?? []).length > 1) return { ok: false, why: 'at most one dot' };
  return { ok: true };
}

const plugin: PluginHooks = {
  beforeSmtp(address, ctx) {
    const account = yahooAccount(address.local_part);
    if (!account.ok) return { skip: { reason: 'invalid_for_provider', detail: `not a possible Yahoo address: ${account.why}` } };
    // Yahoo's MX answers 250 to any recipient and defers or blocks probing hosts, so RCPT
    // proves nothing and costs reputation. An operator who knows better can turn probing on.
    if (ctx.settings.probe === 'true') return;
    return {
      skip: { reason: 'provider_blocks_probes', detail: 'Yahoo accepts every RCPT and blocks probes; not probed' },
      signals: [{ source: 'yahoo', name: 'smtp_skipped', ok: true, value: true }],
    };
  },
};

export default plugin;
