import { PluginManifest, HOOKS, type PluginHooks } from '../../protocol/index.ts';

export interface LoadedPlugin {
  manifest: PluginManifest;
  hooks: PluginHooks;
  dir: string;
  builtin: boolean;
}

/** The file-system functions the loader needs; the Node ones live in prober/adapters/plugin-fs-node.ts. */
export interface PluginFs {
  listDirs(dir: string): Promise<string[]>;
  readText(path: string): Promise<string>;
  importModule(path: string): Promise<unknown>;
  join(...parts: string[]): string;
}

export interface SkippedPlugin {
  dir: string;
  reason: string;
}

export interface PluginSource {
  dir: string;
  builtin: boolean;
}

/**
 * Loads every plugin folder under the given directories. A bad manifest, an entry that
 * throws on load or exports the wrong shape, or a name already taken is reported through
 * onSkip and skipped: a broken plugin never stops the prober.
 */
export async function loadPlugins(sources: PluginSource[], fs: PluginFs, onSkip: (s: SkippedPlugin) => void): Promise<LoadedPlugin[]> {
  const loaded: LoadedPlugin[] = [];
  const names = new Set<string>();
  for (const source of sources) {
    let folders: string[];
    try {
      folders = await fs.listDirs(source.dir);
    } catch (error) {
      onSkip({ dir: source.dir, reason: `cannot list plugin directory: ${message(error)}` });
      continue;
    }
    for (const folder of folders.sort()) {
      const dir = fs.join(source.dir, folder);
      const plugin = await loadOne(dir, source.builtin, fs);
      if ('reason' in plugin) onSkip(plugin);
      else if (names.has(plugin.manifest.name)) onSkip({ dir, reason: `a plugin named ${plugin.manifest.name} is already loaded` });
      else {
        names.add(plugin.manifest.name);
        loaded.push(plugin);
      }
    }
  }
  return loaded;
}

async function loadOne(dir: string, builtin: boolean, fs: PluginFs): Promise<LoadedPlugin | SkippedPlugin> {
  let text: string;
  try {
    text = await fs.readText(fs.join(dir, 'plugin.json'));
  } catch {
    return { dir, reason: 'no plugin.json' };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { dir, reason: 'plugin.json is not valid JSON' };
  }
  const parsed = PluginManifest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { dir, reason: `bad manifest: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}` };
  }
  const manifest = parsed.data;
  let mod: unknown;
  try {
    mod = await fs.importModule(fs.join(dir, manifest.entry));
  } catch (error) {
    return { dir, reason: `entry failed to load: ${message(error)}` };
  }
  const hooks = (mod as { default?: unknown } | null)?.default;
  if (typeof hooks !== 'object' || hooks === null) return { dir, reason: 'entry has no default export object' };
  for (const hook of HOOKS) {
    const declared = manifest.hooks.includes(hook);
    const fn = (hooks as Record<string, unknown>)[hook];
    if (declared && typeof fn !== 'function') return { dir, reason: `hook ${hook} is declared but not exported` };
    if (!declared && fn !== undefined) return { dir, reason: `hook ${hook} is exported but not declared in plugin.json` };
  }
  return { manifest, hooks: hooks as PluginHooks, dir, builtin };
}

function message(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}
