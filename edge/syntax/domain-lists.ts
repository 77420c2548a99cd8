import disposableDomains from 'disposable-email-domains/index.json' with { type: 'json' };
import disposableWildcards from 'disposable-email-domains/wildcard.json' with { type: 'json' };
import providerDomains from 'email-providers/all.json' with { type: 'json' };
import { meter } from './meter.ts';

/*
 * JSON import attributes load the lists the same way under tsx/Node 20, vitest and Deno
 * (which resolves the bare specifiers through package.json and node_modules), with no fs.
 * Each list becomes a Set once, at module load.
 */
const DISPOSABLE = new Set<string>(disposableDomains);
const DISPOSABLE_PARENTS = new Set<string>(disposableWildcards);
/**
 * email-providers' all.json (about 8,700 domains; common.json is only its 360 best ranked).
 * It lists some typo domains (gmial.com) too, as they take mail; the flag says "free mailbox
 * provider", and the typo hint is decided separately.
 */
const FREE_PROVIDERS = new Set<string>(providerDomains);

/** A disposable domain, or any subdomain of one listed as a wildcard. */
export function isDisposable(domain: string): boolean {
  if (DISPOSABLE.has(domain) || DISPOSABLE_PARENTS.has(domain)) return true;
  // Parents with two labels or more: no wildcard entry is a bare top-level domain.
  for (let dot = domain.indexOf('.'); dot >= 0 && domain.indexOf('.', dot + 1) > 0; dot = domain.indexOf('.', dot + 1)) {
    meter[0]!++;
    if (DISPOSABLE_PARENTS.has(domain.slice(dot + 1))) return true;
  }
  return false;
}

export function isFreeProvider(domain: string): boolean {
  return FREE_PROVIDERS.has(domain);
}
