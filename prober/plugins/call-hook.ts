import type { Clock, HookName, PluginContext, Signal } from '../../protocol/index.ts';
import type { LoadedPlugin } from './loader.ts';
import { scopedFetch } from './scoped-fetch.ts';

export interface HookDeps {
  clock: Clock;
  fetch: typeof fetch;
  settings(pluginName: string): Readonly<Record<string, string>>;
}

export type HookCall<T> = { ok: true; value: T } | { ok: false; signal: Signal };

const NOT_YET = Symbol('hook still running');
const notYet = Promise.resolve(NOT_YET);

/**
 * Calls one hook with its time limit and a try/catch: a plugin that throws or overruns is
 * a failed signal ("no opinion"), never an exception in the prober.
 * Most calls neither fetch nor wait (a rule on the address, a plugin whose setting is off), so the
 * abort signal and the scoped fetch are made when the hook first reads them, and the timer only
 * for a hook still running once its promise had a chance to settle.
 */
export async function callHook<T>(
  plugin: LoadedPlugin,
  hook: HookName,
  invoke: (ctx: PluginContext) => T | Promise<T>,
  deps: HookDeps,
): Promise<HookCall<T>> {
  const { name, timeout_ms } = plugin.manifest;
  const started = deps.clock.now();
  const ctx = new HookContext(plugin, deps);
  let running: Promise<T>;
  try {
    const out = invoke(ctx);
    if (!isThenable(out)) return { ok: true, value: out };
    running = Promise.resolve(out);
    // An async hook that returned without waiting has settled already: it wins this race.
    const first = await Promise.race([running, notYet]);
    if (first !== NOT_YET) return { ok: true, value: first as T };
  } catch (error) {
    return threw(name, hook, error);
  }
  return new Promise<HookCall<T>>((resolve) => {
    const cancel = deps.clock.setTimer(() => {
      ctx.abort();
      resolve(failed(name, hook, `timed out after ${timeout_ms} ms`));
    }, Math.max(0, timeout_ms - (deps.clock.now() - started)));
    running.then(
      (value) => resolve({ ok: true, value }),
      (error: unknown) => resolve(threw(name, hook, error)),
    ).finally(cancel);
  });
}

/** A hook's context; its abort signal and scoped fetch are made when the hook first reads them. */
class HookContext implements PluginContext {
  readonly clock: Clock;
  readonly settings: Readonly<Record<string, string>>;
  private controller: AbortController | undefined;
  private scoped: typeof fetch | undefined;

  constructor(private readonly plugin: LoadedPlugin, private readonly deps: HookDeps) {
    this.clock = deps.clock;
    this.settings = deps.settings(plugin.manifest.name);
  }

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    return this.controller.signal;
  }

  get fetch(): typeof fetch {
    if (!this.scoped) {
      // The operator (not the plugin) may widen the reach, e.g. to a self-hosted mirror: BZ_PLUGIN_<NAME>_ALLOW_HOSTS.
      const extraHosts = (this.settings.allow_hosts ?? '').split(',').map((h) => h.trim()).filter(Boolean);
      this.scoped = scopedFetch(this.deps.fetch, [...this.plugin.manifest.network.hosts, ...extraHosts], this.signal);
    }
    return this.scoped;
  }

  abort(): void {
    this.controller?.abort(new Error('hook timed out'));
  }
}

function isThenable<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

function threw(source: string, hook: HookName, error: unknown): { ok: false; signal: Signal } {
  return failed(source, hook, `threw: ${describe(error).slice(0, 200)}`);
}

/** A plugin's thrown value in words; the value itself may throw when read (a hostile getter, no toString). */
function describe(error: unknown): string {
  try {
    return error instanceof Error ? String(error.message) : String(error);
  } catch {
    return 'a value that cannot be shown';
  }
}

function failed(source: string, hook: HookName, detail: string): { ok: false; signal: Signal } {
  return { ok: false, signal: { source, name: hook, ok: false, value: null, detail } };
}
