import type { PluginHooks } from '../../protocol/index.ts';

const CONSUMER = new Set(['gmail.com', 'googlemail.com']);

/**
 * Gmail accounts: 6 to 30 letters, digits and dots; dots are not significant and a +tag is
 * ignored. These rules hold for Google's own consumer domains only: Google Workspace
 * domains (Google-hosted MX) choose their own address rules, so only replies are read there.
 */
export function gmailAccount(local: string): { ok: true; canonical: string } | { ok: false; why: string } {
  const name = local.toLowerCase().split('+')[0] ?? '';
  if (name.startsWith('.') || name.endsWith('.')) return { ok: false, why: 'starts or ends with a dot' };
  if (name.includes('..')) return { ok: false, why: 'two dots in a row' };
  const canonical = name.replaceAll('.', '');
  if (!/^[a-z0-9]*$/.test(canonical)) return { ok: false, why: 'only letters, digits and dots are allowed' };
  if (canonical.length < 6 || canonical.length > 30) return { ok: false, why: 'must be 6 to 30 letters or digits' };
  return { ok: true, canonical };
}

const plugin: PluginHooks = {
  beforeSmtp(address) {
    if (!CONSUMER.has(address.domain)) return;
    const account = gmailAccount(address.local_part);
    if (!account.ok) return { skip: { reason: 'invalid_for_provider', detail: `not a possible Gmail address: ${account.why}` } };
    return { signals: [{ source: 'gmail', name: 'canonical_address', ok: true, value: `${account.canonical}@gmail.com` }] };
  },
};

export default plugin;
