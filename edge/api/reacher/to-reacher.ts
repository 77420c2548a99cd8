import type { Signal, Verdict, VerificationResult } from '../../../protocol/index.ts';
import type { ReacherResponse } from './reacher-schema.ts';

const REACHABLE: Record<Verdict, ReacherResponse['is_reachable']> = {
  deliverable: 'safe',
  risky: 'risky',
  undeliverable: 'invalid',
  unknown: 'unknown',
};

function signal(signals: Signal[], source: string, name: string): Signal | undefined {
  return signals.find((s) => s.ok && s.source === source && s.name === name);
}

/** Our result in Reacher's shape; docs/reacher-compat.md explains each field's source. */
export function toReacher(input: string, result: VerificationResult): ReacherResponse {
  const { syntax, dns, smtp, catch_all: catchAll, signals } = result.checks;
  const gravatar = signal(signals, 'gravatar', 'has_avatar');
  const breach = signal(signals, 'breach', 'breached');
  const routable = dns !== undefined && (dns.rule === 'mx' || dns.rule === 'implicit_mx');
  return {
    input,
    is_reachable: REACHABLE[result.verdict],
    misc: {
      is_disposable: syntax.flags.disposable,
      is_role_account: syntax.flags.role,
      is_b2c: syntax.flags.free_provider,
      ...(gravatar?.value === true && gravatar.detail ? { gravatar_url: gravatar.detail } : {}),
      ...(typeof breach?.value === 'boolean' ? { haveibeenpwned: breach.value } : {}),
    },
    mx: {
      accepts_mail: routable && dns.hosts.length > 0,
      // Reacher lists the exchanges fully qualified, with the root dot.
      records: routable ? dns.hosts.map((h) => (h.host.endsWith('.') ? h.host : `${h.host}.`)) : [],
    },
    smtp: {
      can_connect_smtp: smtp !== undefined && (smtp.outcome !== 'error' || smtp.reply !== undefined),
      has_full_inbox: smtp?.reason === 'mailbox_full',
      is_catch_all: catchAll?.status === 'yes',
      is_deliverable: smtp?.outcome === 'accepted',
      is_disabled: smtp?.reason === 'mailbox_disabled',
    },
    syntax: {
      address: syntax.valid ? syntax.normalized : null,
      domain: syntax.domain ?? '',
      is_valid_syntax: syntax.valid,
      username: syntax.local_part ?? '',
      normalized_email: syntax.normalized,
      suggestion: syntax.suggestion ?? null,
    },
    bouncezero: { verdict: result.verdict, reason: result.reason, score: result.score, cached: result.cached },
  };
}
