import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { addressHash } from '../../../edge/enrich/breach-feed.ts';
import { eraseAddress } from '../../../edge/retention/erase-address.ts';
import { purgeOldData } from '../../../edge/retention/purge-old-data.ts';
import { startRetentionSweep } from '../../../edge/retention/retention-sweep.ts';
import type { Database } from '../../../edge/store/schema.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { until } from '../api/app-harness.ts';
import { STORE_ENGINES } from '../../support/store-engines.ts';

const DAY = 86_400_000;
const T = 1_795_000_000_000;

async function seed(db: Kysely<Database>, job: string, owner: string, createdAt: number, emails: string[], completedAt: number | null = createdAt): Promise<void> {
  await db.insertInto('jobs').values({ id: job, owner, status: completedAt === null ? 'running' : 'completed', columns_json: null, rows: emails.length, created_at: createdAt, completed_at: completedAt }).execute();
  for (const [i, email] of emails.entries()) {
    const item = await db
      .insertInto('job_items')
      .values({ job_id: job, key: email, email, domain: 'x.test', state: 'done', attempt: 1, retries: 0, due_at: null, verdict: 'deliverable', reason: 'accepted', score: 0.9, result_json: null, done_at: createdAt })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('job_rows').values({ job_id: job, row_no: i + 1, item_id: item.id, email, cells_json: JSON.stringify([email, 'phone 555']) }).execute();
  }
}

const count = async (db: Kysely<Database>, table: keyof Database) => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe.each(STORE_ENGINES)('retention and erasure on $name', ({ open }) => {
  it('purges jobs with their items and rows, cached results and outcomes older than the retention, and keeps the rest', async () => {
    const db = await open();
    await seed(db, 'j_old', 'k_a', T - 31 * DAY, ['old@x.test', 'both@x.test']);
    await seed(db, 'j_new', 'k_a', T - 29 * DAY, ['new@x.test', 'both@x.test']);
    await db.insertInto('result_cache').values([
      { normalized: 'old@x.test', result_json: '{}', expires_at: T + 300 * DAY, stored_at: T - 31 * DAY },
      { normalized: 'new@x.test', result_json: '{}', expires_at: T + DAY, stored_at: T - DAY },
      { normalized: 'legacy@x.test', result_json: '{}', expires_at: T - 1, stored_at: null },
    ]).execute();
    await db.insertInto('outcomes').values([
      { normalized: 'old@x.test', outcome: 'delivered', observed_at: T - 40 * DAY, provider: null, features_json: null, features_version: null },
      { normalized: 'new@x.test', outcome: 'delivered', observed_at: T - 2 * DAY, provider: null, features_json: null, features_version: null },
    ]).execute();
    expect(await purgeOldData(db, T, 30)).toEqual({ jobs: 1, results: 2, outcomes: 1 });
    expect(await db.selectFrom('jobs').select('id').execute()).toEqual([{ id: 'j_new' }]);
    expect((await db.selectFrom('job_items').select('job_id').execute()).map((r) => r.job_id)).toEqual(['j_new', 'j_new']);
    expect(await count(db, 'job_rows')).toBe(2);
    expect(await db.selectFrom('result_cache').select('normalized').execute()).toEqual([{ normalized: 'new@x.test' }]);
    expect(await db.selectFrom('outcomes').select('normalized').execute()).toEqual([{ normalized: 'new@x.test' }]);
  });

  it('counts a job’s days from when it finished, and an unfinished one’s from its upload', async () => {
    const db = await open();
    await seed(db, 'j_long', 'k_a', T - 40 * DAY, ['long@x.test'], T - 29 * DAY);
    await seed(db, 'j_done', 'k_a', T - 40 * DAY, ['done@x.test'], T - 31 * DAY);
    await seed(db, 'j_running', 'k_a', T - 29 * DAY, ['running@x.test'], null);
    await seed(db, 'j_stuck', 'k_a', T - 31 * DAY, ['stuck@x.test'], null);
    expect(await purgeOldData(db, T, 30)).toMatchObject({ jobs: 2 });
    expect((await db.selectFrom('jobs').select('id').orderBy('id').execute()).map((r) => r.id)).toEqual(['j_long', 'j_running']);
  });

  it('runs the purge on a schedule of the injected clock, and not at all with 0 days', async () => {
    const db = await open();
    const clock = new FakeClock(T);
    await seed(db, 'j1', 'k_a', T - 10 * DAY, ['a@x.test']);
    const purged: number[] = [];
    const stop = startRetentionSweep({ db, clock, days: 30, everyMs: DAY, onPurged: (n) => purged.push(n.jobs) });
    // One sweep now and one a day; the store answers in its own time, so each sweep is awaited.
    await until(() => purged.length === 1 && clock.pending === 1);
    for (let d = 1; d <= 25; d++) {
      await clock.advance(DAY);
      await until(() => purged.length === d + 1 && clock.pending === 1);
    }
    expect(await count(db, 'jobs')).toBe(0);
    // Created 10 days before T with 30 days' retention: gone in the sweep at T + 21 days, not before.
    expect(purged.indexOf(1)).toBe(21);
    stop();
    expect(clock.pending).toBe(0);
    expect(startRetentionSweep({ db, clock, days: 0 })).toBeTypeOf('function');
    expect(clock.pending).toBe(0);
  });

  it('erases one address from every job of every owner, the result cache, outcomes and the breach feed, and nothing else', async () => {
    const db = await open();
    await seed(db, 'j_a', 'k_a', T, ['gone@x.test', 'stay@x.test']);
    await seed(db, 'j_b', 'k_b', T, ['gone@x.test']);
    await db.insertInto('result_cache').values([
      { normalized: 'gone@x.test', result_json: '{}', expires_at: T + DAY, stored_at: T },
      { normalized: 'stay@x.test', result_json: '{}', expires_at: T + DAY, stored_at: T },
    ]).execute();
    await db.insertInto('outcomes').values({ normalized: 'gone@x.test', outcome: 'hard_bounce', observed_at: T, provider: null, features_json: null, features_version: null }).execute();
    await db.insertInto('breach_hashes').values({ hash: await addressHash('gone@x.test'), source: 'feed', imported_at: T }).execute();
    expect(await eraseAddress(db, 'gone@x.test')).toEqual({ rows: 2, results: 1, outcomes: 1, breach: 1 });
    const text = JSON.stringify(await Promise.all((['job_items', 'job_rows', 'result_cache', 'outcomes'] as const).map((t) => db.selectFrom(t).selectAll().execute())));
    expect(text).not.toContain('gone@');
    expect(text).toContain('stay@x.test');
    expect(await count(db, 'breach_hashes')).toBe(0);
    expect(await count(db, 'jobs')).toBe(2);
  });
});
