import { describe, expect, it } from 'vitest';
import { storedKey } from '../api/app-harness.ts';
import { jobsHarness, plan } from './jobs-harness.ts';

const plans = { 'a.test': plan('a.test') };

describe('GET /v1/jobs: the caller\'s own jobs, newest first, a page at a time', () => {
  async function setup() {
    const h = await jobsHarness({ plans, healthy: 0 });
    const alice = { authorization: `Bearer ${await storedKey(h.store, 'alice', ['jobs'], 1)}` };
    const bob = { authorization: `Bearer ${await storedKey(h.store, 'bob', ['jobs'], 2)}` };
    const create = async (headers: Record<string, string>, body: string, name: string) => {
      const res = await h.app.request(`/v1/jobs?name=${encodeURIComponent(name)}`, { method: 'POST', headers: { ...headers, 'content-type': 'text/csv' }, body });
      expect(res.status).toBe(202);
      return ((await res.json()) as { id: string }).id;
    };
    const list = async (headers: Record<string, string>, query = '') => {
      const res = await h.app.request(`/v1/jobs${query}`, { headers });
      return { status: res.status, body: (await res.json()) as any };
    };
    return { h, alice, bob, create, list };
  }

  it('lists only the caller\'s jobs, newest first, with name, state and counts', async () => {
    const { h, alice, bob, create, list } = await setup();
    const first = await create(alice, 'email\nx@a.test\nbad\n', 'march.csv');
    await h.clock.advance(1000);
    const second = await create(alice, 'email\nnot an address\n', 'april.csv');
    await h.clock.advance(1000);
    await create(bob, 'email\nb@a.test\n', 'bob.csv');
    const { status, body } = await list(alice);
    expect(status).toBe(200);
    expect(body.next_cursor).toBeNull();
    expect(body.jobs.map((j: { id: string }) => j.id)).toEqual([second, first]);
    expect(body.jobs[0]).toMatchObject({ name: 'april.csv', status: 'completed', rows: 1, total: 1, done: 1, progress: 1, counts: { undeliverable: 1 }, callback: null });
    expect(body.jobs[1]).toMatchObject({ name: 'march.csv', status: 'queued', rows: 2, total: 2, done: 1, progress: 0.5, counts: { undeliverable: 1, deliverable: 0 } });
    expect((await list(bob)).body.jobs.map((j: { name: string }) => j.name)).toEqual(['bob.csv']);
  });

  it('pages with limit and cursor, stable while newer jobs arrive', async () => {
    const { h, alice, create, list } = await setup();
    for (let i = 0; i < 5; i++) {
      await create(alice, `email\nn${i}@a.test\n`, `list ${i}`);
      await h.clock.advance(i === 2 ? 0 : 10); // two jobs in the same millisecond: the id breaks the tie
    }
    const all = (await list(alice)).body.jobs as { name: string; id: string }[];
    expect(all.map((j) => j.name)).toEqual(['list 4', expect.stringMatching(/^list [23]$/), expect.stringMatching(/^list [23]$/), 'list 1', 'list 0']);
    const page1 = (await list(alice, '?limit=2')).body;
    expect(page1.jobs).toEqual(all.slice(0, 2));
    await create(alice, 'email\nlate@a.test\n', 'late');
    const page2 = (await list(alice, `?limit=2&cursor=${page1.next_cursor}`)).body;
    const page3 = (await list(alice, `?limit=2&cursor=${page2.next_cursor}`)).body;
    expect([...page2.jobs, ...page3.jobs].map((j: { id: string }) => j.id)).toEqual(all.slice(2).map((j) => j.id));
    expect(page3.next_cursor).toBeNull();
  });

  it('refuses a bad limit or cursor with a reason', async () => {
    const { alice, list } = await setup();
    for (const query of ['?limit=0', '?limit=101', '?limit=ten', '?cursor=x']) {
      const { status, body } = await list(alice, query);
      expect([query, status, body.error.code]).toEqual([query, 400, 'invalid_request']);
    }
  });
});
