import { describe, expect, it } from 'vitest';
import { PluginManifest, type PluginHooks, type ProbeResult, type ProbeTask } from '../../../protocol/index.ts';
import type { LoadedPlugin } from '../../../prober/plugins/loader.ts';
import { createPluginRegistry } from '../../../prober/plugins/registry.ts';
import { withPlugins } from '../../../prober/plugins/with-plugins.ts';
import type { TaskRunner } from '../../../prober/engine/task-runner.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { publicAnswer } from '../../support/public-answer.ts';

function loaded(name: string, hooks: PluginHooks, extra: Partial<Record<string, unknown>> = {}): LoadedPlugin {
  const manifest = PluginManifest.parse({
    name,
    version: '1.0.0',
    api_version: 1,
    applies_to: { domains: ['corp.test'] },
    hooks: Object.keys(hooks),
    ...extra,
  });
  return { manifest, hooks, dir: `/plugins/${name}`, builtin: false };
}

const task: ProbeTask = {
  id: 't1',
  domain: 'corp.test',
  plan: { domain: 'corp.test', rule: 'mx', hosts: [{ host: 'mx.corp.test', preference: 10, addresses: ['127.0.0.20'], refused: [] }], ttl: 60, records: [], cnames: [] },
  addresses: [
    { id: 'a', address: 'alice@corp.test', smtputf8: false },
    { id: 'b', address: 'bad..x@corp.test', smtputf8: false },
  ],
  deadline_ms: 10_000,
  catch_all: true,
  fresh: false,
};

/** The engine stand-in: accepts whatever it is given and records what that was. */
function recordingRunner(seen: ProbeTask[]): TaskRunner {
  return async (t) => {
    seen.push(t);
    return {
      task_id: t.id,
      domain: t.domain,
      results: t.addresses.map((a) => ({ id: a.id, address: a.address, smtp: { outcome: 'accepted', reason: 'accepted' }, signals: [] })),
      catch_all: { status: 'no', cached: false },
      stats: { connections: 1, commands: 4, round_trips: 2 },
    } satisfies ProbeResult;
  };
}

const deps = (clock = new FakeClock(), fetch: typeof globalThis.fetch = async () => new Response('ok')) => ({ clock, fetch, settings: () => ({}) });

describe('withPlugins', () => {
  it('lets beforeSmtp take an address out of the SMTP session and afterSmtp reinterpret the rest', async () => {
    const seen: ProbeTask[] = [];
    const rules = loaded('rules', {
      beforeSmtp: (a) => (a.local_part.includes('..') ? { skip: { reason: 'invalid_for_provider', detail: 'double dot' } } : undefined),
      afterSmtp: (a) => (a.smtp.reason === 'accepted' ? { smtp: { reason: 'accept_all_provider', detail: 'accepts everything' } } : undefined),
    });
    const run = withPlugins(recordingRunner(seen), createPluginRegistry([rules]), deps());
    const result = await run(task);
    expect(seen[0]?.addresses.map((a) => a.id)).toEqual(['a']);
    const byId = Object.fromEntries(result.results.map((r) => [r.id, r.smtp]));
    // The plugin's reading (with its detail) stands beside the SMTP answer, which stays the server's.
    expect(byId.a).toMatchObject({ outcome: 'accepted', reason: 'accepted' });
    expect(result.results[0]!.readings).toEqual([{ plugin: 'rules', reason: 'accept_all_provider', detail: 'accepts everything' }]);
    expect(await publicAnswer(task, result, 'alice@corp.test')).toEqual({ verdict: 'risky', reason: 'accept_all_provider' });
    expect(byId.b).toMatchObject({ outcome: 'rejected', reason: 'invalid_for_provider' });
  });

  it("keeps each plugin's reading beside the server's answer, which no plugin can alter", async () => {
    const vandal = loaded('vandal', {
      afterSmtp: (a) => {
        (a.smtp as { reason: string }).reason = 'mailbox_full';
        return { smtp: { reason: 'accept_all_provider', detail: 'first' } };
      },
    });
    const second = loaded('second', { afterSmtp: (a) => ({ smtp: { reason: a.smtp.reason === 'accepted' ? 'mailbox_disabled' : 'mailbox_full', detail: 'second' } }) });
    const same = loaded('same', { afterSmtp: () => ({ smtp: { reason: 'accepted', detail: 'agrees' } }) });
    const result = await withPlugins(recordingRunner([]), createPluginRegistry([vandal, second, same]), deps())(task);
    const alice = result.results.find((r) => r.id === 'a')!;
    expect(alice.smtp).toEqual({ outcome: 'accepted', reason: 'accepted' });
    expect(alice.readings).toEqual([
      { plugin: 'vandal', reason: 'accept_all_provider', detail: 'first' },
      { plugin: 'second', reason: 'mailbox_disabled', detail: 'second' },
    ]);
    expect(await publicAnswer(task, result, 'alice@corp.test')).toEqual({ verdict: 'risky', reason: 'accept_all_provider' });
  });

  it('does not call the engine at all when every address is skipped', async () => {
    const seen: ProbeTask[] = [];
    const blocker = loaded('blocker', { beforeSmtp: () => ({ skip: { reason: 'provider_blocks_probes', detail: 'x' } }) });
    const result = await withPlugins(recordingRunner(seen), createPluginRegistry([blocker]), deps())(task);
    expect(seen).toHaveLength(0);
    expect(result.results.map((r) => r.smtp.reason)).toEqual(['provider_blocks_probes', 'provider_blocks_probes']);
  });

  it('records a throwing hook and a slow hook as failed signals and still answers', async () => {
    const clock = new FakeClock();
    const thrower = loaded('thrower', { enrich: () => { throw new Error('kaput'); } });
    const sleeper = loaded('sleeper', { enrich: () => new Promise(() => {}) }, { timeout_ms: 500 });
    const pending = withPlugins(recordingRunner([]), createPluginRegistry([thrower, sleeper]), deps(clock))(task);
    await clock.advance(500);
    const result = await pending;
    const signals = result.results[0]!.signals;
    expect(signals).toContainEqual(expect.objectContaining({ source: 'thrower', ok: false, detail: 'threw: kaput' }));
    expect(signals).toContainEqual(expect.objectContaining({ source: 'sleeper', ok: false, detail: 'timed out after 500 ms' }));
    expect(result.results[0]!.smtp.reason).toBe('accepted');
  });

  it("lets a plugin's fetch reach only its manifest's hosts", async () => {
    const calls: string[] = [];
    const fetcher: typeof fetch = async (input) => {
      calls.push(String(input instanceof Request ? input.url : input));
      return new Response('{}', { status: 200 });
    };
    const probe = loaded(
      'probe',
      {
        enrich: async (_a, ctx) => {
          const allowed = await ctx.fetch('http://127.0.0.1:9/allowed').then((r) => r.status);
          const denied = await ctx.fetch('http://127.0.0.2:9/denied').then(() => 'reached', (e: Error) => e.message);
          return { signals: [{ source: 'x', name: 'allowed', ok: true, value: allowed }, { source: 'x', name: 'denied', ok: true, value: denied }] };
        },
      },
      { network: { hosts: ['127.0.0.1:9'] } },
    );
    const result = await withPlugins(recordingRunner([]), createPluginRegistry([probe]), deps(new FakeClock(), fetcher))(task);
    expect(calls).toEqual(['http://127.0.0.1:9/allowed', 'http://127.0.0.1:9/allowed']);
    const s = result.results[0]!.signals;
    expect(s.find((x) => x.name === 'allowed')?.value).toBe(200);
    expect(String(s.find((x) => x.name === 'denied')?.value)).toMatch(/not allowed/);
    expect(s.every((x) => x.source === 'probe')).toBe(true);
  });

  it('drops signals that break the schema and reasons that are not codes', async () => {
    const liar = loaded('liar', {
      enrich: () => ({ signals: [{ name: 'x'.repeat(500), ok: 'yes', value: {} } as never] }),
      afterSmtp: () => ({ smtp: { reason: 'totally_fine' as never, detail: '' } }),
    });
    const result = await withPlugins(recordingRunner([]), createPluginRegistry([liar]), deps())(task);
    expect(result.results[0]!.smtp.reason).toBe('accepted');
    expect(result.results[0]!.signals).toContainEqual(expect.objectContaining({ name: 'invalid_signal', ok: false }));
  });

  it('leaves tasks of other domains to the engine untouched', async () => {
    const seen: ProbeTask[] = [];
    const rules = loaded('rules', { beforeSmtp: () => ({ skip: { reason: 'provider_blocks_probes', detail: '' } }) });
    await withPlugins(recordingRunner(seen), createPluginRegistry([rules]), deps())({ ...task, domain: 'other.test' });
    expect(seen[0]?.addresses).toHaveLength(2);
  });
});
