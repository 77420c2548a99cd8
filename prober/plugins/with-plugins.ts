import {
  ReasonCode,
  Signal,
  verdictOf,
  type AddressInfo,
  type PluginReading,
  type ProbeAddressResult,
  type ProbeResult,
  type ProbeTask,
  type SmtpCheck,
} from '../../protocol/index.ts';
import type { TaskRunner } from '../engine/task-runner.ts';
import { callHook, type HookDeps } from './call-hook.ts';
import type { LoadedPlugin } from './loader.ts';
import type { PluginRegistry } from './registry.ts';

/**
 * Wraps the SMTP engine with the plugins that apply to the task's domain: `beforeSmtp` may
 * take an address out of the SMTP session, `enrich` runs beside SMTP, `afterSmtp` may read the
 * engine's answer otherwise: that reading is kept beside the answer, which stays what the server
 * said, and the edge's scoring weighs the two. Every plugin output is parsed like any other input.
 */
export function withPlugins(runner: TaskRunner, registry: PluginRegistry, deps: HookDeps): TaskRunner {
  return async (task, signal) => {
    const plugins = registry.forDomain(task.domain, task.plan.hosts.map((h) => h.host));
    if (plugins.length === 0) return runner(task, signal);

    const infos = new Map(task.addresses.map((a) => [a.id, addressInfo(a.id, a.address, task)]));
    const signals = new Map<string, Signal[]>(task.addresses.map((a) => [a.id, []]));
    const skipped = new Map<string, SmtpCheck>();

    await forEach(task.addresses, async ({ id }) => {
      for (const plugin of plugins.filter((p) => p.hooks.beforeSmtp)) {
        const call = await callHook(plugin, 'beforeSmtp', (ctx) => plugin.hooks.beforeSmtp!(infos.get(id)!, ctx), deps);
        const out = take(call, plugin, signals.get(id)!);
        const skip = out && typeof out === 'object' ? out.skip : undefined;
        const reason = ReasonCode.safeParse(skip?.reason);
        if (skip && reason.success && !skipped.has(id)) skipped.set(id, skippedCheck(reason.data, `${plugin.manifest.name}: ${String(skip.detail).slice(0, 200)}`));
      }
    });

    const remaining = task.addresses.filter((a) => !skipped.has(a.id));
    const enrichment = forEach(task.addresses, async ({ id }) => {
      for (const plugin of plugins.filter((p) => p.hooks.enrich)) {
        const call = await callHook(plugin, 'enrich', (ctx) => plugin.hooks.enrich!(infos.get(id)!, ctx), deps);
        take(call, plugin, signals.get(id)!);
      }
    });
    const probed: ProbeResult = remaining.length
      ? await runner({ ...task, addresses: remaining }, signal)
      : { task_id: task.id, domain: task.domain, results: [], catch_all: { status: 'unknown', cached: false }, stats: { connections: 0, commands: 0, round_trips: 0 } };
    await enrichment;

    const byId = new Map(probed.results.map((r) => [r.id, r]));
    const results: ProbeAddressResult[] = [];
    for (const a of task.addresses) {
      const base = byId.get(a.id);
      const smtp = skipped.get(a.id) ?? base?.smtp;
      if (!smtp) continue;
      const readings: PluginReading[] = [];
      if (!skipped.has(a.id)) {
        for (const plugin of plugins.filter((p) => p.hooks.afterSmtp)) {
          // Each plugin reads its own copy of the server's answer: none can alter it for the next or for the result.
          const input = { ...infos.get(a.id)!, smtp: structuredClone(smtp), catch_all: structuredClone(probed.catch_all) };
          const call = await callHook(plugin, 'afterSmtp', (ctx) => plugin.hooks.afterSmtp!(input, ctx), deps);
          const out = take(call, plugin, signals.get(a.id)!);
          const reading = out && typeof out === 'object' ? out.smtp : undefined;
          const reason = ReasonCode.safeParse(reading?.reason);
          if (reading && reason.success && reason.data !== smtp.reason) {
            readings.push({ plugin: plugin.manifest.name, reason: reason.data, ...(reading.detail ? { detail: String(reading.detail).slice(0, 300) } : {}) });
          }
        }
      }
      const signalsOf = [...(base?.signals ?? []), ...signals.get(a.id)!].slice(0, 64);
      results.push({ id: a.id, address: a.address, smtp, signals: signalsOf, ...(readings.length ? { readings: readings.slice(0, 16) } : {}) });
    }
    return { ...probed, results };
  };
}

function addressInfo(id: string, address: string, task: ProbeTask): AddressInfo {
  const at = address.lastIndexOf('@');
  return { id, address, local_part: address.slice(0, at), domain: address.slice(at + 1), mx_hosts: task.plan.hosts.map((h) => h.host) };
}

/** Keeps a hook's valid signals (stamped with the plugin's name) or its failure; returns its outcome. */
function take<T extends { signals?: unknown } | void>(
  call: { ok: true; value: T } | { ok: false; signal: Signal },
  plugin: LoadedPlugin,
  into: Signal[],
): T | undefined {
  if (!call.ok) {
    into.push(call.signal);
    return undefined;
  }
  const list = call.value && typeof call.value === 'object' ? call.value.signals : undefined;
  if (Array.isArray(list)) {
    for (const raw of list.slice(0, 16)) {
      const parsed = Signal.safeParse({ ...(raw as object), source: plugin.manifest.name });
      into.push(parsed.success ? parsed.data : { source: plugin.manifest.name, name: 'invalid_signal', ok: false, value: null, detail: 'signal failed its schema' });
    }
  }
  return call.value;
}

function skippedCheck(reason: ReasonCode, detail: string): SmtpCheck {
  return {
    outcome: verdictOf(reason) === 'undeliverable' ? 'rejected' : 'error',
    reason,
    transcript: [{ at_ms: 0, dir: 'i', text: `SMTP skipped by ${detail}`.slice(0, 1024) }],
  };
}

async function forEach<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  await Promise.all(items.map(fn));
}
