import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqlite } from '../../../edge/adapters/sqlite-node.ts';
import { jobsHarness, plan } from '../jobs/jobs-harness.ts';
import { storedKey, TEST_KEY } from './app-harness.ts';

const plans = { 'a.test': plan('a.test') };

describe('erasure', () => {
  it('DELETE /v1/addresses/{email} needs admin, then erases the address from every owner\'s jobs and from the cache (memo included)', async () => {
    const h = await jobsHarness({ plans });
    const alice = `Bearer ${await storedKey(h.store, 'alice', ['jobs', 'verify'], 1)}`;
    const res = await h.app.request('/v1/jobs', { method: 'POST', headers: { authorization: alice, 'content-type': 'text/csv' }, body: 'email,phone\ngone@a.test,555-0100\nstay@a.test,555-0199\n' });
    const id = ((await res.json()) as { id: string }).id;
    await h.run();
    const verify = (auth: string) => h.app.request('/v1/verify', { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ email: 'gone@a.test' }) });
    expect((await verify(alice)).status).toBe(200);
    const tasksBefore = h.dispatcher.tasks.length;
    expect((await h.app.request('/v1/addresses/gone@A.test', { method: 'DELETE', headers: { authorization: alice } })).status).toBe(403);
    const erased = await h.app.request('/v1/addresses/gone@A.test', { method: 'DELETE', headers: { authorization: `Bearer ${TEST_KEY}` } });
    expect(erased.status).toBe(200);
    expect(await erased.json()).toEqual({ erased: 'gone@a.test', rows: 1, results: 1, outcomes: 0, breach: 0 });
    const stored = JSON.stringify(await Promise.all((['job_items', 'job_rows', 'result_cache'] as const).map((t) => h.store.selectFrom(t).selectAll().execute())));
    expect(stored).not.toContain('gone@');
    expect(stored).not.toContain('555-0100');
    const csv = await (await h.app.request(`/v1/jobs/${id}/results?format=csv`, { headers: { authorization: alice } })).text();
    expect(csv).not.toContain('gone@');
    expect(csv).toContain('stay@a.test');
    // The next check of the address is a new probe, not the memo's copy.
    expect((await verify(alice)).status).toBe(200);
    expect(h.dispatcher.tasks.length).toBe(tasksBefore + 1);
  });

  it("DELETE /v1/jobs/:id also drops the job's addresses from the result cache", async () => {
    const h = await jobsHarness({ plans });
    const id = await h.create('email\nann@a.test\n');
    await h.run();
    expect(await h.store.selectFrom('result_cache').select('normalized').execute()).toEqual([{ normalized: 'ann@a.test' }]);
    expect((await h.remove(id)).status).toBe(204);
    expect(await h.store.selectFrom('result_cache').selectAll().execute()).toEqual([]);
  });

  it('SQLite overwrites deleted rows (secure_delete): an erased address is not left in the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bz-secure-delete-'));
    try {
      const path = join(dir, 'store.db');
      const db = await openSqlite(path);
      const marker = 'erase-me-4f1c9a@a.test';
      await db.insertInto('result_cache').values({ normalized: marker, result_json: JSON.stringify({ email: marker, note: 'x'.repeat(2000) }), expires_at: 1, stored_at: 1 }).execute();
      await db.deleteFrom('result_cache').where('normalized', '=', marker).execute();
      await db.destroy();
      // Closing checkpoints the WAL into the file and removes it: only the file remains to read.
      expect(readFileSync(path).includes(Buffer.from(marker))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
