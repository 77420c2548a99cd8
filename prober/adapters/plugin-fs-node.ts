import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PluginFs, PluginSource } from '../plugins/loader.ts';

export const nodePluginFs: PluginFs = {
  async listDirs(dir) {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => e.name);
  },
  readText: (path) => readFile(path, 'utf8'),
  importModule: (path) => import(pathToFileURL(path).href),
  join,
};

/** The folder of built-in plugins, which always load. */
export const BUILTIN_PLUGINS_DIR = fileURLToPath(new URL('../../plugins/', import.meta.url));

/** Built-ins first, then each directory of BZ_PLUGINS_DIR (comma-separated). */
export function pluginSources(pluginsDir: string | undefined): PluginSource[] {
  const extra = (pluginsDir ?? '')
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean)
    .map((dir) => ({ dir: resolve(dir), builtin: false }));
  return [{ dir: BUILTIN_PLUGINS_DIR, builtin: true }, ...extra];
}

/**
 * BZ_PLUGIN_<NAME>_<KEY>=value ⇒ settings(name)[key] (name's hyphens as underscores). Read once
 * per plugin: every hook call asks, and walking process.env costs a native call per variable.
 */
export function pluginSettingsFromEnv(env: Record<string, string | undefined>): (name: string) => Readonly<Record<string, string>> {
  const read = new Map<string, Readonly<Record<string, string>>>();
  return (name) => {
    const known = read.get(name);
    if (known) return known;
    const prefix = `BZ_PLUGIN_${name.toUpperCase().replace(/-/g, '_')}_`;
    const settings: Record<string, string> = {};
    for (const [key, value] of Object.entries(env)) {
      if (key.startsWith(prefix) && value !== undefined) settings[key.slice(prefix.length).toLowerCase()] = value;
    }
    read.set(name, Object.freeze(settings));
    return settings;
  };
}
