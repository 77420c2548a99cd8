import { describe, expect, it } from 'vitest';
import { storedKey } from '../api/app-harness.ts';
import { jobsHarness, plan, TEST_KEY } from './jobs-harness.ts';

const plans = { 'a.test': plan('a.test') };

async function twoKeys() {
  const h = await jobsHarness({ plans });
  const a = { authorization: `Bearer ${await storedKey(h.store, 'alice', ['jobs'], 1)}` };
  const b = { authorization: `Bearer ${await storedKey(h.store, 'bob', ['jobs'], 2)}` };
  const create = async (headers: Record<string, string>) => {
    const res = await h.app.request('/v1/jobs', { method: 'POST', headers: { ...headers, 'content-type': 'text/csv' }, body: 'email,phone\nann@a.test,+47 555 0100\n' });
    expect(res.status).toBe(202);
    return ((await res.json()) as { id: string }).id;
  };
  const statuses = async (id: string, headers: Record<string, string>) => ({
    status: (await h.app.request(`/v1/jobs/${id}`, { headers })).status,
    results: (await h.app.request(`/v1/jobs/${id}/results?format=csv`, { headers })).status,
    cancel: (await h.app.request(`/v1/jobs/${id}/cancel`, { method: 'POST', headers })).status,
    remove: (await h.app.request(`/v1/jobs/${id}`, { method: 'DELETE', headers })).status,
  });
  return { h, a, b, create, statuses };
}

const NOT_FOUND = { status: 404, results: 404, cancel: 404, remove: 404 };

describe('jobs belong to the key that created them', () => {
  it("key B gets 404 on key A's job for status, results, cancel and delete; the job stays whole for A", async () => {
    const { h, a, b, create, statuses } = await twoKeys();
    const id = await create(a);
    expect(await statuses(id, b)).toEqual(NOT_FOUND);
    const listed = async (headers: Record<string, string>) => JSON.stringify(await (await h.app.request('/v1/jobs', { headers })).json());
    expect(await listed(b)).not.toContain(id);
    expect(await listed(a)).toContain(id);
    const body = await (await h.app.request(`/v1/jobs/${id}/results?format=csv`, { headers: b })).text();
    expect(body).not.toContain('555');
    expect(await h.store.selectFrom('jobs').select(['id', 'owner', 'status']).execute()).toEqual([{ id, owner: 'k_alice', status: 'queued' }]);
    expect((await h.app.request(`/v1/jobs/${id}/results?format=csv`, { headers: a })).status).toBe(200);
    expect(await statuses(id, a)).toEqual({ status: 200, results: 200, cancel: 200, remove: 204 });
  });

  it('an unknown id and a foreign id answer alike', async () => {
    const { h, a, b, create } = await twoKeys();
    const id = await create(a);
    const foreign = await h.app.request(`/v1/jobs/${id}`, { headers: b });
    const missing = await h.app.request('/v1/jobs/j_does_not_exist', { headers: b });
    expect([foreign.status, await foreign.json()]).toEqual([missing.status, await missing.json()]);
  });

  it('BZ_API_KEY owns its jobs under the stable id `config`, apart from every stored key', async () => {
    const { h, a, create, statuses } = await twoKeys();
    const config = { authorization: `Bearer ${TEST_KEY}` };
    const fromA = await create(a);
    const fromConfig = await create(config);
    expect(await statuses(fromA, config)).toEqual(NOT_FOUND);
    expect(await statuses(fromConfig, a)).toEqual(NOT_FOUND);
    const owners = await h.store.selectFrom('jobs').select(['id', 'owner']).execute();
    expect(Object.fromEntries(owners.map((o) => [o.id, o.owner]))).toEqual({ [fromA]: 'k_alice', [fromConfig]: 'config' });
    expect((await h.app.request(`/v1/jobs/${fromConfig}`, { headers: config })).status).toBe(200);
  });
});
