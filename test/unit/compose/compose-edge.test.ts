import { afterEach, describe, expect, it, vi } from 'vitest';
import { startEdgeServer, type EdgeServer } from '../../../edge/adapters/node-server.ts';
import { createApp } from '../../../edge/api/app.ts';
import { createStoreKeyStore } from '../../../edge/access/key-store.ts';
import { memoResultCache } from '../../../edge/cache/memo-result-cache.ts';
import { createStoreResultCache } from '../../../edge/cache/store-result-cache.ts';
import { createAgentHub } from '../../../edge/dispatch/agent-hub.ts';
import { createDohClient } from '../../../edge/dns/doh-client.ts';
import { createMxResolver } from '../../../edge/dns/create-mx-resolver.ts';
import { createBreachFeed } from '../../../edge/enrich/breach-feed.ts';
import { createJobs } from '../../../edge/jobs/create-jobs.ts';
import { JobRunner } from '../../../edge/jobs/job-runner.ts';
import { createLearnedScorer } from '../../../edge/learning/learned-scorer.ts';
import { createOutcomeStore } from '../../../edge/learning/outcome-store.ts';
import { testConfig } from '../api/app-harness.ts';

/** Every factory of an edge service, wrapped so the test can count what the composition builds. */
const { counted } = vi.hoisted(() => ({
  counted: (names: string[]) => async (original: () => Promise<Record<string, unknown>>) => {
    const mod = await original();
    return { ...mod, ...Object.fromEntries(names.map((n) => [n, vi.fn(mod[n] as (...a: unknown[]) => unknown)])) };
  },
}));
vi.mock('../../../edge/dns/doh-client.ts', counted(['createDohClient']));
vi.mock('../../../edge/dns/create-mx-resolver.ts', counted(['createMxResolver']));
vi.mock('../../../edge/dispatch/agent-hub.ts', counted(['createAgentHub']));
vi.mock('../../../edge/cache/store-result-cache.ts', counted(['createStoreResultCache']));
vi.mock('../../../edge/cache/memo-result-cache.ts', counted(['memoResultCache']));
vi.mock('../../../edge/access/key-store.ts', counted(['createStoreKeyStore']));
vi.mock('../../../edge/learning/outcome-store.ts', counted(['createOutcomeStore']));
vi.mock('../../../edge/enrich/breach-feed.ts', counted(['createBreachFeed']));
vi.mock('../../../edge/learning/learned-scorer.ts', counted(['createLearnedScorer']));
vi.mock('../../../edge/jobs/create-jobs.ts', counted(['createJobs']));
vi.mock('../../../edge/api/app.ts', counted(['createApp']));
vi.mock('../../../edge/jobs/job-runner.ts', async (original: () => Promise<typeof import('../../../edge/jobs/job-runner.ts')>) => {
  const mod = await original();
  const made = vi.fn();
  class CountedRunner extends mod.JobRunner {
    constructor(...args: ConstructorParameters<typeof mod.JobRunner>) {
      super(...args);
      made();
    }
  }
  return { ...mod, JobRunner: Object.assign(CountedRunner, { made }) };
});

let server: EdgeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the composition root', () => {
  it('builds each edge service once, and the MX resolver shares the one DoH client with the hub', async () => {
    server = await startEdgeServer({ config: { ...testConfig(), host: '127.0.0.1', port: 0 } });
    const once = { createDohClient, createMxResolver, createAgentHub, createStoreResultCache, memoResultCache, createStoreKeyStore, createOutcomeStore, createBreachFeed, createLearnedScorer, createJobs, createApp };
    const calls = Object.fromEntries(Object.entries(once).map(([name, fn]) => [name, vi.mocked(fn).mock.calls.length]));
    expect(calls).toEqual(Object.fromEntries(Object.keys(once).map((name) => [name, 1])));
    expect((JobRunner as unknown as { made: ReturnType<typeof vi.fn> }).made).toHaveBeenCalledTimes(1);
    expect(vi.mocked(createMxResolver).mock.calls[0]![0].client).toBe(vi.mocked(createDohClient).mock.results[0]!.value);
  });
});
