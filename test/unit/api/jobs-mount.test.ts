import { describe, expect, it } from 'vitest';
import { edgeServices } from '../../../edge/compose/edge-services.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { ScriptedDispatcher, ScriptedResolver, TEST_KEY, memoryStore, probeAnswer, seededRandom, testConfig } from './app-harness.ts';
import { sqliteStore } from '../../../edge/adapters/sqlite-node.ts';

/** The jobs feature mounted through AppDeps.jobs: behind the same key, counted, documented. */
async function mounted() {
  const store = await memoryStore();
  const clock = new FakeClock();
  const { app, metrics } = edgeServices({
    config: testConfig(),
    store: sqliteStore(store),
    resolver: new ScriptedResolver({}),
    dispatcher: new ScriptedDispatcher(probeAnswer({ outcome: 'accepted', reason: 'accepted' })),
    clock,
    random: seededRandom(),
  });
  return { app, metrics };
}

const upload = (headers: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(['a@example.test', 'b@example.test']),
});

describe('AppDeps.jobs', () => {
  it('puts /v1/jobs and /v1/jobs/:id behind the API key', async () => {
    const { app } = await mounted();
    expect((await app.request('/v1/jobs', upload({}))).status).toBe(401);
    expect((await app.request('/v1/jobs/some-id')).status).toBe(401);
    const created = await app.request('/v1/jobs', upload({ authorization: `Bearer ${TEST_KEY}` }));
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    expect((await app.request(`/v1/jobs/${id}`, { headers: { authorization: `Bearer ${TEST_KEY}` } })).status).toBe(200);
  });

  it('counts job calls by route pattern, and lists the job paths in /openapi.json', async () => {
    const { app } = await mounted();
    await app.request('/v1/jobs/one', { headers: { authorization: `Bearer ${TEST_KEY}` } });
    await app.request('/v1/jobs/two', { headers: { authorization: `Bearer ${TEST_KEY}` } });
    const text = await (await app.request('/metrics')).text();
    expect(text).toContain('bouncezero_http_requests_total{route="/v1/jobs/:id",method="GET",status="404"} 2');
    expect(text).toContain('bouncezero_job_items_in_flight 0');
    const doc = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/v1/jobs');
  });
});
