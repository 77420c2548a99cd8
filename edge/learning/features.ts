import type { VerificationResult } from '../../protocol/index.ts';

/** The checks a model reads: a finished result's, or the stages' outcomes before scoring. */
export type FeatureChecks = Pick<VerificationResult['checks'], 'syntax' | 'smtp' | 'catch_all' | 'signals' | 'dns' | 'readings'>;

/**
 * The signals a model weighs, each a number in [0, 1]. The order is part of a saved model:
 * add new features at the end and bump FEATURES_VERSION.
 */
export const FEATURES_VERSION = 1;
export const FEATURE_NAMES = [
  'smtp_accepted',
  'smtp_rejected',
  'smtp_temporary',
  'catch_all',
  'accept_all_provider',
  'mailbox_full',
  'blocked_by_server',
  'no_smtp_answer',
  'role',
  'disposable',
  'free_provider',
  'has_avatar',
  'breached',
  'tls',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

export function featuresOf(result: { checks: FeatureChecks }): number[] {
  const smtp = result.checks.smtp;
  const flags = result.checks.syntax.flags;
  const signal = (name: string) => result.checks.signals.some((s) => s.ok && s.name === name && s.value === true);
  const on: Record<FeatureName, boolean> = {
    smtp_accepted: smtp?.outcome === 'accepted',
    smtp_rejected: smtp?.outcome === 'rejected',
    smtp_temporary: smtp?.outcome === 'temporary',
    // Results stored before the catch-all answer was kept apart named it in the SMTP reason.
    catch_all: result.checks.catch_all?.status === 'yes' || smtp?.reason === 'catch_all',
    // Results stored before plugins' readings were kept apart named theirs in the SMTP reason.
    accept_all_provider: smtp?.reason === 'accept_all_provider' || (result.checks.readings ?? []).some((r) => r.reason === 'accept_all_provider'),
    mailbox_full: smtp?.reason === 'mailbox_full',
    blocked_by_server: smtp?.reason === 'blocked_by_server',
    no_smtp_answer: !smtp || smtp.outcome === 'error',
    role: flags.role,
    disposable: flags.disposable,
    free_provider: flags.free_provider,
    has_avatar: signal('has_avatar'),
    breached: signal('breached'),
    tls: smtp?.tls === true,
  };
  return FEATURE_NAMES.map((name) => (on[name] ? 1 : 0));
}

/** Which provider's model scores an address: plugin-known providers by name, the rest share one. */
export function providerOf(result: { checks: Pick<FeatureChecks, 'signals' | 'dns'> }): string {
  const known = ['gmail', 'microsoft', 'yahoo'];
  const fromSignal = result.checks.signals.find((s) => known.includes(s.source))?.source;
  if (fromSignal) return fromSignal;
  const hosts = (result.checks.dns?.hosts ?? []).map((h) => h.host.toLowerCase());
  if (hosts.some((h) => h.endsWith('.google.com') || h.endsWith('.googlemail.com'))) return 'gmail';
  if (hosts.some((h) => h.endsWith('.outlook.com'))) return 'microsoft';
  if (hosts.some((h) => h.endsWith('.yahoodns.net'))) return 'yahoo';
  return 'other';
}
