/**
 * The npm peers, each reduced to one of our four classes. The mapping is the most generous
 * reading of each tool's output: a definite "does not exist" is undeliverable, a clean pass
 * is deliverable, anything else (timeouts, refusals, replies it does not recognise) unknown.
 * Neither tool has a "risky" answer.
 */
import { createRequire } from 'node:module';
import { validate } from 'deep-email-validator';
import type { Verdict } from './bench-addresses.ts';

const require = createRequire(import.meta.url);
const EmailDeepValidator = require('email-deep-validator') as new (options?: object) => {
  verify(address: string): Promise<{ wellFormed: boolean; validDomain: boolean | null; validMailbox: boolean | null }>;
};

export interface PeerAnswer {
  verdict: Verdict;
  /** The tool's own words, for the report. */
  detail: string;
}

export type PeerVerify = (email: string) => Promise<PeerAnswer>;

/** deep-email-validator with its defaults, except the typo check (mailcheck "corrects" every .test domain). */
export const deepEmailValidator: PeerVerify = async (email) => {
  const r = await validate({ email, validateTypo: false });
  if (r.valid) return { verdict: 'deliverable', detail: 'valid' };
  const reason = r.reason ?? 'unknown';
  const why = (r.validators as Record<string, { reason?: string } | undefined>)[reason]?.reason ?? '';
  const definite = reason === 'regex' || reason === 'mx' || reason === 'disposable' || (reason === 'smtp' && why === 'Mailbox not found.');
  return { verdict: definite ? 'undeliverable' : 'unknown', detail: `${reason}: ${why}` };
};

/** email-deep-validator with its defaults. */
export function emailDeepValidator(): PeerVerify {
  const validator = new EmailDeepValidator({ logger: { debug: () => {}, info: () => {}, error: () => {} } });
  return async (email) => {
    const r = await validator.verify(email);
    if (!r.wellFormed) return { verdict: 'undeliverable', detail: 'not well formed' };
    if (r.validDomain === false) return { verdict: 'undeliverable', detail: 'no MX' };
    if (r.validMailbox === true) return { verdict: 'deliverable', detail: 'mailbox valid' };
    if (r.validMailbox === false) return { verdict: 'undeliverable', detail: 'mailbox invalid' };
    return { verdict: 'unknown', detail: 'mailbox null' };
  };
}

/** A crash or a hang is an unknown, bounded by `timeoutMs`. */
export function bounded(verify: PeerVerify, timeoutMs: number): PeerVerify {
  return (email) =>
    new Promise<PeerAnswer>((resolve) => {
      const timer = setTimeout(() => resolve({ verdict: 'unknown', detail: `bench timeout ${timeoutMs} ms` }), timeoutMs);
      verify(email).then(
        (a) => (clearTimeout(timer), resolve(a)),
        (e: unknown) => (clearTimeout(timer), resolve({ verdict: 'unknown', detail: `threw: ${String(e).slice(0, 80)}` })),
      );
    });
}

/**
 * Each address on its own, as the peers work, `perServer` at a time per server (polite: no
 * server sees more connections at once from a peer).
 */
export async function runPolitely<A extends { email: string; server: string }>(addresses: A[], verify: PeerVerify, perServer: number): Promise<Map<string, PeerAnswer>> {
  const groups = new Map<string, A[]>();
  for (const a of addresses) groups.set(a.server, [...(groups.get(a.server) ?? []), a]);
  const got = new Map<string, PeerAnswer>();
  await Promise.all(
    [...groups.values()].flatMap((group) => {
      let next = 0;
      return Array.from({ length: perServer }, async () => {
        while (next < group.length) {
          const a = group[next++]!;
          got.set(a.email, await verify(a.email));
        }
      });
    }),
  );
  return got;
}
