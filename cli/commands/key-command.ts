import { generateApiKey, hashApiKey, keyHint } from '../../edge/access/api-key.ts';
import type { ApiKeyStore } from '../../edge/access/key-store.ts';
import { DEFAULT_NEW_KEY_SCOPES, KEY_SCOPES, parseScopes, type KeyScope } from '../../edge/access/scopes.ts';
import { randomHex, type Clock, type Random } from '../../protocol/index.ts';

export const KEY_USAGE = `usage: bouncezero key add NAME [--scope LIST]   create an API key (printed once; only its hash is stored)
       bouncezero key list                       the keys, with a hint and the scopes of each (never the key)
       bouncezero key revoke NAME                stop accepting the named key
LIST: a comma list of ${KEY_SCOPES.join(', ')}; default ${DEFAULT_NEW_KEY_SCOPES.join(',')}`;

export interface KeyCommandDeps {
  keys: ApiKeyStore;
  random: Random;
  clock: Clock;
  out: (text: string) => void;
  err: (text: string) => void;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** `bouncezero key …` over an injected key store, so it is tested without a process or a file. */
export async function keyCommand(argv: string[], deps: KeyCommandDeps): Promise<number> {
  const split = scopeOption(argv);
  if ('error' in split) {
    deps.err(`${split.error}\n${KEY_USAGE}\n`);
    return 2;
  }
  const { args, scopes } = split;
  const [action, name, ...extra] = args;
  if (scopes && action !== 'add') {
    deps.err(`--scope goes with "key add" only\n${KEY_USAGE}\n`);
    return 2;
  }
  if (extra.length > 0 || (action !== 'list' && (name === undefined || !NAME.test(name))) || (action === 'list' && name !== undefined)) {
    deps.err(`${KEY_USAGE}\nNAME: letters, digits, '.', '_' or '-', at most 64.\n`);
    return 2;
  }
  switch (action) {
    case 'add': {
      const live = (await deps.keys.list()).some((k) => k.name === name && k.revoked_at === null);
      if (live) {
        deps.err(`a live key named "${name}" exists; revoke it first or pick another name\n`);
        return 1;
      }
      const key = generateApiKey(deps.random);
      const id = `k_${randomHex(deps.random, 8)}`;
      await deps.keys.add({ id, name: name!, key_hash: await hashApiKey(key), hint: keyHint(key), created_at: deps.clock.now(), revoked_at: null, scopes: scopes ?? DEFAULT_NEW_KEY_SCOPES });
      deps.out(`${key}\n`);
      deps.err(`API key "${name}" created with scopes ${(scopes ?? DEFAULT_NEW_KEY_SCOPES).join(',')}. It is shown only this once: store it now. Send it as "Authorization: Bearer <key>".\n`);
      return 0;
    }
    case 'list': {
      for (const k of await deps.keys.list()) {
        const state = k.revoked_at === null ? 'live' : `revoked ${new Date(k.revoked_at).toISOString()}`;
        deps.out(`${k.name}\t${k.hint}\tcreated ${new Date(k.created_at).toISOString()}\t${state}\tscopes ${k.scopes.join(',') || '(none)'}\n`);
      }
      return 0;
    }
    case 'revoke': {
      if (await deps.keys.revoke(name!, deps.clock.now())) return 0;
      deps.err(`no live key named "${name}"\n`);
      return 1;
    }
    default:
      deps.err(`${KEY_USAGE}\n`);
      return 2;
  }
}

/** Takes `--scope LIST` / `--scope=LIST` out of the arguments. */
function scopeOption(argv: string[]): { args: string[]; scopes: readonly KeyScope[] | null } | { error: string } {
  const args: string[] = [];
  let raw: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg !== '--scope' && !arg.startsWith('--scope=')) {
      args.push(arg);
      continue;
    }
    if (raw !== null) return { error: '--scope given twice' };
    raw = arg === '--scope' ? (argv[++i] ?? '') : arg.slice('--scope='.length);
  }
  if (raw === null) return { args, scopes: null };
  const parsed = parseScopes(raw);
  return parsed.ok ? { args, scopes: parsed.scopes } : { error: parsed.error };
}
