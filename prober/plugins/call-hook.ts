import type { Clock, HookName, PluginContext, Signal } from '../../protocol/index.ts';
import type { LoadedPlugin } from './loader.ts';
import { scopedFetch } from './scoped-fetch.ts';

export interface HookDeps {
  clock: Clock;
  fetch: typeof fetch;
  settings(pluginName: string): Readonly<Record<string, string>>;
}

export type HookCall<T> = { ok: true; value: T } | { ok: false; signal: Signal };

/**
 * Calls one hook with its time limit and a try/catch: a plugin that throws or overruns is
 * a failed signal ("no opinion"), never an exception in the prober.
 */
export async function callHook<T>(
  plugin: LoadedPlugin,
  hook: HookName,
  invoke: (ctx: PluginContext) => T | Promise<T>,
  deps: HookDeps,
): Promise<HookCall<T>> {
  const { name, network, timeout_ms } = plugin.manifest;
  const controller = new AbortController();
  const settings = deps.settings(name);
  // The operator (not the plugin) may widen the reach, e.g. to a self-hosted mirror: BZ_PLUGIN_<NAME>_ALLOW_HOSTS.
  const extraHosts = (settings.allow_hosts ?? '').split(',').map((h) => h.trim()).filter(Boolean);
  const ctx: PluginContext = {
    fetch: scopedFetch(deps.fetch, [...network.hosts, ...extraHosts], controller.signal),
    clock: deps.clock,
    settings,
    signal: controller.signal,
  };
  let cancel = () => {};
  const timeout = new Promise<HookCall<T>>((resolve) => {
    cancel = deps.clock.setTimer(() => {
      controller.abort(new Error('hook timed out'));
      resolve(failed(name, hook, `timed out after ${timeout_ms} ms`));
    }, timeout_ms);
  });
  const run = (async (): Promise<HookCall<T>> => {
    try {
      return { ok: true, value: await invoke(ctx) };
    } catch (error) {
      return failed(name, hook, `threw: ${(error instanceof Error ? error.message : String(error)).slice(0, 200)}`);
    }
  })();
  try {
    return await Promise.race([run, timeout]);
  } finally {
    cancel();
  }
}

function failed(source: string, hook: HookName, detail: string): { ok: false; signal: Signal } {
  return { ok: false, signal: { source, name: hook, ok: false, value: null, detail } };
}
