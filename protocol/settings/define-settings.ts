import { z } from 'zod';
import type { Setting } from './setting-kinds.ts';

export type Env = Record<string, string | undefined>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Declarations = Record<`BZ_${string}`, Setting<any>>;
export type SettingValues<D extends Declarations> = { [K in keyof D]: D[K] extends Setting<infer T> ? T : never };

export type SettingsLoad<D extends Declarations> = { ok: true; values: SettingValues<D> } | { ok: false; error: string };

/** One row of `bouncezero config` and of the README's reference. */
export interface SettingRow {
  name: string;
  meaning: string;
  shownDefault: string;
  /** The effective value as text, masked where the setting holds a secret. */
  value: string;
  /** Whether the environment set it (otherwise the default holds). */
  set: boolean;
}

export interface SettingsGroup<D extends Declarations> {
  title: string;
  declarations: D;
  /** Parses the environment; never throws. Every bad variable is named, one per line. */
  parse(env: Env): SettingsLoad<D>;
  /** The effective settings, secrets masked; for an environment that parses. */
  rows(env: Env): SettingRow[];
}

/** Declares a group of BZ_* settings once: parsing, the effective view and the reference come from it. */
export function defineSettings<D extends Declarations>(title: string, declarations: D): SettingsGroup<D> {
  const schema = z.object(Object.fromEntries(Object.entries(declarations).map(([name, s]) => [name, s.schema])));
  const parse = (env: Env): SettingsLoad<D> => {
    const picked = Object.fromEntries(Object.keys(declarations).map((name) => [name, env[name]]));
    const parsed = schema.safeParse(picked);
    if (parsed.success) return { ok: true, values: parsed.data as SettingValues<D> };
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    return { ok: false, error: `invalid configuration:\n${lines.join('\n')}` };
  };
  return {
    title,
    declarations,
    parse,
    rows(env) {
      const loaded = parse(env);
      return Object.entries(declarations).map(([name, s]) => {
        const value = loaded.ok ? (loaded.values as Record<string, unknown>)[name] : undefined;
        return { name, meaning: s.meaning, shownDefault: s.shownDefault, value: masked(show(value), s.mask), set: env[name] !== undefined };
      });
    },
  };
}

function show(value: unknown): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

function masked(value: string, mask: Setting<unknown>['mask']): string {
  if (value === '' || mask === undefined) return value;
  if (mask === 'secret') return '***';
  // A URL's password (postgres://user:pw@host/db, socks5://user:pw@host:port) is the secret part;
  // in a list (BZ_DOH) each URL's.
  return value.replace(/(^|,)([a-z][a-z0-9+.-]*:\/\/[^:/@,]*:)[^@,]*@/gi, '$1$2***@');
}
