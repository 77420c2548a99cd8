import { z } from 'zod';

/**
 * What a key may do: `verify` (single checks, the Reacher route), `jobs` (bulk jobs, its own only),
 * `outcomes` (report delivery outcomes, which steer the learned model), `admin` (erase an
 * address from every table, whoever's job it is in).
 */
export const KEY_SCOPES = ['verify', 'jobs', 'outcomes', 'admin'] as const;
export const KeyScope = z.enum(KEY_SCOPES);
export type KeyScope = z.infer<typeof KeyScope>;

/** `bouncezero key add NAME` without --scope: outcomes and admin are granted only on request. */
export const DEFAULT_NEW_KEY_SCOPES: readonly KeyScope[] = ['verify', 'jobs'];
/** Keys stored before scopes existed keep what they could do then (migration 010). */
export const LEGACY_KEY_SCOPES: readonly KeyScope[] = ['verify', 'jobs', 'outcomes'];
/** BZ_API_KEY is the operator's own key. */
export const CONFIG_KEY_SCOPES: readonly KeyScope[] = KEY_SCOPES;
/** Keyless loopback callers (BZ_ALLOW_ANONYMOUS_LOCAL): what the web page needs, nothing more. */
export const ANONYMOUS_LOCAL_SCOPES: readonly KeyScope[] = ['verify', 'jobs'];

/** The stored form: a comma list, e.g. `verify,jobs`. */
export const ScopeList = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x !== ''))
  .pipe(z.array(KeyScope).min(1, 'name at least one scope'))
  .transform((list) => KEY_SCOPES.filter((s) => list.includes(s)));

/** Parses a stored or typed scope list; a stored value that no longer parses grants nothing. */
export function parseScopes(text: string): { ok: true; scopes: KeyScope[] } | { ok: false; error: string } {
  const parsed = ScopeList.safeParse(text);
  if (parsed.success) return { ok: true, scopes: parsed.data };
  return { ok: false, error: `scopes are a comma list of ${KEY_SCOPES.join(', ')}; got "${text}"` };
}
