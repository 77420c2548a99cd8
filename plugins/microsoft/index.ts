import type { PluginHooks } from '../../protocol/index.ts';

const TENANT_MX = '.mail.protection.outlook.com';

/** Outlook.com addresses: start with a letter; letters, digits, '.', '-', '_'; no dot at the end or twice in a row; at most 64. */
export function outlookAccount(local: string): { ok: true } | { ok: false; why: string } {
  const name = local.toLowerCase();
  if (!/^[a-z]/.test(name)) return { ok: false, why: 'must start with a letter' };
  if (!/^[a-z0-9._-]+$/.test(name)) return { ok: false, why: "only letters, digits, '.', '-' and '_' are allowed" };
  if (name.endsWith('.') || name.includes('..')) return { ok: false, why: 'misplaced dot' };
  if (name.length > 64) return { ok: false, why: 'longer than 64 characters' };
  return { ok: true };
}

const plugin: PluginHooks = {
  beforeSmtp(address) {
    if (address.mx_hosts.some((h) => h.toLowerCase().endsWith(TENANT_MX))) return;
    const account = outlookAccount(address.local_part);
    if (!account.ok) return { skip: { reason: 'invalid_for_provider', detail: `not a possible Outlook.com address: ${account.why}` } };
  },
  afterSmtp(address) {
    const tenant = address.mx_hosts.some((h) => h.toLowerCase().endsWith(TENANT_MX));
    // A Microsoft 365 tenant without directory-based edge blocking says 250 to every recipient
    // and bounces later; unless the catch-all probe proved it rejects strangers, a 250 proves nothing.
    if (tenant && address.smtp.reason === 'accepted' && address.catch_all.status !== 'no') {
      return {
        smtp: { reason: 'accept_all_provider', detail: 'Microsoft 365 tenant that may accept every recipient' },
        signals: [{ source: 'microsoft', name: 'tenant_accepts_all', ok: true, value: address.catch_all.status }],
      };
    }
  },
};

export default plugin;
