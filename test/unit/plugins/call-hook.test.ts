import { describe, expect, it } from 'vitest';
import { PluginManifest, type PluginContext } from '../../../protocol/index.ts';
import { callHook } from '../../../prober/plugins/call-hook.ts';
import type { LoadedPlugin } from '../../../prober/plugins/loader.ts';
import { FakeClock } from '../../support/fake-clock.ts';

const plugin: LoadedPlugin = {
  manifest: PluginManifest.parse({ name: 'p', version: '1.0.0', api_version: 1, applies_to: { all: true }, hooks: ['enrich'], network: { hosts: ['127.0.0.1:9'] }, timeout_ms: 500 }),
  hooks: {},
  dir: '/plugins/p',
  builtin: false,
};

/** A FakeClock that counts the timers asked of it. */
class CountingClock extends FakeClock {
  asked = 0;
  override setTimer(fn: () => void, ms: number): () => void {
    this.asked++;
    return super.setTimer(fn, ms);
  }
}

const deps = (clock: FakeClock) => ({ clock, fetch: async () => new Response('ok'), settings: () => ({}) });

describe('callHook', () => {
  it('sets no timer for a hook that answers at once, sync or async', async () => {
    const clock = new CountingClock();
    expect(await callHook(plugin, 'enrich', () => ({ signals: [] }), deps(clock))).toEqual({ ok: true, value: { signals: [] } });
    expect(await callHook(plugin, 'enrich', async () => undefined, deps(clock))).toEqual({ ok: true, value: undefined });
    expect(clock.asked).toBe(0);
  });

  it('turns a synchronous throw and an early rejection into failed signals', async () => {
    const clock = new CountingClock();
    const sync = await callHook(plugin, 'enrich', () => { throw new Error('boom'); }, deps(clock));
    const early = await callHook(plugin, 'enrich', () => Promise.reject(new Error('nope')), deps(clock));
    expect(sync).toEqual({ ok: false, signal: expect.objectContaining({ source: 'p', detail: 'threw: boom' }) });
    expect(early).toEqual({ ok: false, signal: expect.objectContaining({ source: 'p', detail: 'threw: nope' }) });
    expect(clock.asked).toBe(0);
  });

  it('turns a thrown value that cannot even be shown into a failed signal, thrown at once or after waiting', async () => {
    const clock = new CountingClock();
    const unshowable = Object.create(null) as object;
    const sync = await callHook(plugin, 'enrich', () => { throw unshowable; }, deps(clock));
    const early = await callHook(plugin, 'enrich', () => Promise.reject(unshowable), deps(clock));
    const late = callHook(plugin, 'enrich', () => new Promise((_, reject) => clock.setTimer(() => reject(unshowable), 10)), deps(clock));
    await clock.advance(10);
    const failed = { ok: false, signal: expect.objectContaining({ source: 'p', detail: 'threw: a value that cannot be shown' }) };
    expect([sync, early, await late]).toEqual([failed, failed, failed]);
  });

  it('times out a hook that waits, counting from its call, and aborts what it fetches with', async () => {
    const clock = new CountingClock();
    let seen: AbortSignal | undefined;
    const pending = callHook(plugin, 'enrich', async (ctx: PluginContext) => {
      await Promise.resolve();
      seen = ctx.signal;
      return new Promise(() => {});
    }, deps(clock));
    await clock.advance(499);
    expect(seen?.aborted).toBe(false);
    await clock.advance(1);
    expect(await pending).toEqual({ ok: false, signal: expect.objectContaining({ detail: 'timed out after 500 ms' }) });
    expect(seen?.aborted).toBe(true);
  });

  it('keeps the answer and the failure of a hook that settles after waiting, and then cancels its timer', async () => {
    const clock = new CountingClock();
    const answered = callHook(plugin, 'enrich', () => new Promise((resolve) => clock.setTimer(() => resolve('yes'), 100)), deps(clock));
    const failing = callHook(plugin, 'enrich', () => new Promise((_, reject) => clock.setTimer(() => reject(new Error('late')), 100)), deps(clock));
    await clock.advance(100);
    expect(await answered).toEqual({ ok: true, value: 'yes' });
    expect(await failing).toEqual({ ok: false, signal: expect.objectContaining({ detail: 'threw: late' }) });
    expect(clock.pending).toBe(0);
  });
});
