import { edgeServices } from '../../../edge/compose/edge-services.ts';
import type { JobsDeps } from '../../../edge/jobs/create-jobs.ts';
import { sqliteStore } from '../../../edge/adapters/sqlite-node.ts';
import type { EdgeStore } from '../../../edge/store/edge-store.ts';
import type { VerifyObserver } from '../../../edge/verify/verify-address.ts';
import type { RunnerOptions } from '../../../edge/jobs/runner-options.ts';
import type { MxPlan } from '../../../protocol/index.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { memoryStore, plan, probeAnswer, ScriptedDispatcher, ScriptedResolver, seededRandom, TEST_KEY, testConfig, type Answer } from '../api/app-harness.ts';

export { plan, probeAnswer, TEST_KEY };

/** The real app with the jobs mounted, over an in-memory SQLite store, a scripted resolver and prober, and a fake clock. */
export async function jobsHarness(options: { plans?: Record<string, MxPlan | (() => Promise<MxPlan>)>; answer?: Answer; healthy?: number; runner?: Partial<RunnerOptions>; env?: Record<string, string>; store?: EdgeStore; observer?: VerifyObserver; webhooks?: JobsDeps['webhooks'] } = {}) {
  const clock = new FakeClock();
  const edgeStore = options.store ?? sqliteStore(await memoryStore());
  const { db: store, sharedByEdges } = edgeStore;
  const resolver = new ScriptedResolver(options.plans ?? {});
  const dispatcher = new ScriptedDispatcher(options.answer ?? probeAnswer({ outcome: 'accepted', reason: 'accepted' }), options.healthy ?? 1);
  const config = testConfig(options.env);
  const random = seededRandom();
  const { app, jobs } = edgeServices({ config, store: edgeStore, resolver, dispatcher, clock, random, ...(options.observer ? { observer: options.observer } : {}), ...(options.webhooks ? { webhooks: options.webhooks } : {}), runner: { pollMs: 1000, minRetryDelayMs: 1000, ...options.runner } });
  const auth = { authorization: `Bearer ${TEST_KEY}` };
  const h = {
    clock,
    store,
    sharedByEdges,
    resolver,
    dispatcher,
    runner: jobs.runner,
    webhooks: jobs.webhooks,
    app,
    post: (body: BodyInit, type: string, query = '') => app.request(`/v1/jobs${query}`, { method: 'POST', headers: { ...auth, 'content-type': type }, body }),
    async create(body: BodyInit, type = 'text/csv', query = ''): Promise<string> {
      const res = await h.post(body, type, query);
      if (res.status !== 202) throw new Error(`POST /v1/jobs: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    },
    async status(id: string): Promise<any> {
      const res = await app.request(`/v1/jobs/${id}`, { headers: auth });
      return res.status === 200 ? res.json() : { http: res.status };
    },
    async results(id: string, format = 'json'): Promise<string> {
      const res = await app.request(`/v1/jobs/${id}/results?format=${format}`, { headers: auth });
      return res.text();
    },
    remove: (id: string) => app.request(`/v1/jobs/${id}`, { method: 'DELETE', headers: auth }),
    /** Starts the runner (if not yet) and lets it work until nothing is out. */
    async run(): Promise<void> {
      await jobs.runner.start();
      jobs.runner.wake();
      await jobs.runner.idle();
    },
    /** Moves the fake clock and lets the runner finish what came due. */
    async advance(ms: number): Promise<void> {
      await clock.advance(ms);
      await jobs.runner.idle();
    },
  };
  return h;
}

export function csvOf(rows: string[][]): string {
  return rows.map((r) => r.join(',')).join('\r\n');
}
