import { sql, type Kysely, type KyselyPlugin } from 'kysely';
import { describe, expect, it } from 'vitest';
import { deleteJob } from '../../../edge/jobs/delete-job.ts';
import { ingestJob } from '../../../edge/jobs/ingest-job.ts';
import type { IntakeEvent } from '../../../edge/jobs/intake-rows.ts';
import { ItemClaims } from '../../../edge/jobs/item-claims.ts';
import { listJobs } from '../../../edge/jobs/job-list.ts';
import { jobReport } from '../../../edge/jobs/job-status.ts';
import { emptyTally, readTally, readTallies, type Tally } from '../../../edge/jobs/job-tally.ts';
import { eraseAddress } from '../../../edge/retention/erase-address.ts';
import { jobTallyMigration } from '../../../edge/store/migrations/019-job-tally.ts';
import type { Database } from '../../../edge/store/schema.ts';
import { checkSyntax } from '../../../edge/syntax/index.ts';
import { resultFromSyntax } from '../../../edge/verify/assemble-result.ts';
import { VERDICTS, type Verdict } from '../../../protocol/index.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { STORE_ENGINES } from '../../support/store-engines.ts';
import { seededRandom } from '../api/app-harness.ts';

async function* events(emails: string[]): AsyncGenerator<IntakeEvent> {
  yield { columns: null };
  for (const email of emails) yield { row: { email, cells: null } };
}

let uploads = 0;

async function upload(db: Kysely<Database>, clock: FakeClock, emails: string[]): Promise<string> {
  const outcome = await ingestJob({ db, clock, random: seededRandom(++uploads), checkSyntax, owner: 'k1', batchSize: 7 }, events(emails));
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.id;
}

/** What the tally must say: the items themselves, counted. */
async function counted(db: Kysely<Database>, jobId: string): Promise<Tally> {
  const items = await db.selectFrom('job_items').select(['state', 'verdict', 'domain']).where('job_id', '=', jobId).execute();
  const tally = emptyTally();
  for (const item of items) {
    tally.total++;
    tally[item.state]++;
    if (item.state !== 'done') continue;
    tally.counts[item.verdict as Verdict]++;
    if (item.domain !== null) tally.checked++;
  }
  return tally;
}

/** A job of `n` addresses over `domains` domains, every item of it claimed. */
async function claimedJob(db: Kysely<Database>, clock: FakeClock, n: number, domains: number) {
  const id = await upload(db, clock, Array.from({ length: n }, (_, i) => `u${i}@d${i % domains}.test`));
  const claims = new ItemClaims(db);
  const claimed = await claims.claim(clock.now(), n, clock.now() + 60_000);
  return { id, claims, claimed };
}

const answer = (email: string, verdict: Verdict, at: number) => ({ ...resultFromSyntax(email, checkSyntax(email), at), verdict });

/** Every statement's tree, to see which tables a call reads. */
function recordingTables(db: Kysely<Database>): { db: Kysely<Database>; tables: Set<string> } {
  const tables = new Set<string>();
  const plugin: KyselyPlugin = {
    transformQuery: ({ node }) => {
      for (const m of JSON.stringify(node).matchAll(/"kind":"TableNode","table":\{[^}]*"identifier":\{"kind":"IdentifierNode","name":"(\w+)"/g)) tables.add(m[1] as string);
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  return { db: db.withPlugin(plugin), tables };
}

const jobRows = async (db: Kysely<Database>, jobId: string) =>
  Number((await db.selectFrom('job_tally').select((eb) => eb.fn.countAll().as('n')).where('job_id', '=', jobId).executeTakeFirstOrThrow()).n);

describe.each(STORE_ENGINES)('the job tally on $name', ({ name, open }) => {
  it('follows every change of an item: intake, claims, answers, retries, postponements, recovery, erasure', async () => {
    const db = await open();
    const clock = new FakeClock();
    const emails = Array.from({ length: 40 }, (_, i) => (i % 9 === 4 ? `not an address ${i}` : `u${i % 30}@d${i % 5}.test`));
    const id = await upload(db, clock, emails);
    const other = await upload(db, clock, ['x@d0.test', 'y@d1.test']);
    const claims = new ItemClaims(db);
    const check = async () => {
      expect(await readTally(db, id)).toEqual(await counted(db, id));
      expect(await readTally(db, other)).toEqual(await counted(db, other));
    };
    await check();
    const first = await claims.claim(clock.now(), 20, clock.now() + 60_000);
    await check();
    const refs = first.map((item) => ({ ref: { id: item.id, attempt: item.attempt }, email: item.email }));
    await claims.resolve(refs.slice(0, 8).map(({ ref, email }, i) => ({ ref, result: answer(email, VERDICTS[i % VERDICTS.length] as Verdict, clock.now()) })), clock.now());
    await check();
    // A duplicate answer changes nothing, and neither may the tally.
    await claims.resolve(refs.slice(0, 2).map(({ ref, email }) => ({ ref, result: answer(email, 'deliverable', clock.now()) })), clock.now());
    await check();
    await claims.retryLater(refs.slice(8, 12).map(({ ref }) => ref), clock.now() + 5_000, clock.now() + 60_000);
    await claims.postpone(refs.slice(12, 15).map(({ ref }) => ref), clock.now() + 1_000);
    await claims.renew(refs.slice(15).map(({ ref }) => ref), clock.now() + 90_000);
    await check();
    expect(await claims.recover(clock.now())).toMatchObject({ requeued: refs.length - 15 });
    await check();
    await eraseAddress(db, 'u1@d1.test');
    await eraseAddress(db, first[0]?.email ?? '');
    await check();
    const report = await jobReport(db, id, clock.now());
    const truth = await counted(db, id);
    expect(report).toMatchObject({ total: truth.total, done: truth.done, pending: truth.pending, in_flight: truth.in_flight, waiting_retry: truth.waiting, counts: truth.counts });
    expect((await listJobs(db, 'k1', { limit: 10 })).jobs.find((job) => job.id === id)).toMatchObject({ total: truth.total, done: truth.done, counts: truth.counts });
  });

  it('goes with its job, and a deletion adds no change rows on the way', async () => {
    const db = await open();
    const clock = new FakeClock();
    const id = await upload(db, clock, Array.from({ length: 30 }, (_, i) => `u${i}@d${i % 3}.test`));
    const kept = await upload(db, clock, ['a@d0.test']);
    const before = await jobRows(db, id);
    let during = -1;
    await deleteJob(db, id, async () => {
      during = await jobRows(db, id);
    });
    expect(during).toBe(before);
    expect(await jobRows(db, id)).toBe(0);
    expect(await readTally(db, kept)).toEqual(await counted(db, kept));
  });

  it('counts the rate over the checked items, not by comparing two edges’ clocks', async () => {
    const db = await open();
    const clock = new FakeClock();
    const id = await upload(db, clock, ['a@d0.test', 'b@d1.test', 'not an address']);
    const claimed = await new ItemClaims(db).claim(clock.now() + 10_000, 10, clock.now() + 70_000);
    // The edge that answers runs 5 s behind the one that claimed: its done_at is before started_at.
    await new ItemClaims(db).resolve(claimed.map((item) => ({ ref: { id: item.id, attempt: item.attempt }, result: answer(item.email, 'deliverable', clock.now() + 5_000) })), clock.now() + 5_000);
    const report = await jobReport(db, id, clock.now() + 12_000);
    // Two checked in the 2 s since the first claim; the invalid one was resolved at intake.
    expect(report).toMatchObject({ done: 3, rate_per_s: 1 });
  });

  it('keeps its reads small however many changes come, folded by the reads, even when reads and writes run at once', async () => {
    const db = await open();
    const clock = new FakeClock();
    const { id, claims, claimed } = await claimedJob(db, clock, 600, 7);
    const answers = claimed.map((item, i) => ({ ref: { id: item.id, attempt: item.attempt }, result: answer(item.email, VERDICTS[i % VERDICTS.length] as Verdict, clock.now()) }));
    const writes = Array.from({ length: 12 }, (_, k) => claims.resolve(answers.slice(k * 50, (k + 1) * 50), clock.now()));
    const reads = Array.from({ length: 12 }, () => readTallies(db, [id]));
    await Promise.all([...writes, ...reads]);
    // This read folds what the last writes appended; the next one checks the sums.
    await readTally(db, id);
    expect(await readTally(db, id)).toEqual(await counted(db, id));
    // One row a state and verdict once folded: SQLite counts in place, PostgreSQL folds on reading.
    expect(await jobRows(db, id)).toBeLessThanOrEqual(4 + VERDICTS.length);
  });

  it('is folded by the edge running the job at most every 5 s and once more when it completes, with no reader', async () => {
    const db = await open();
    const clock = new FakeClock();
    const { id, claims, claimed } = await claimedJob(db, clock, 60, 3);
    const answerEach = (items: typeof claimed) =>
      Promise.all(items.map((item) => claims.resolve([{ ref: { id: item.id, attempt: item.attempt }, result: answer(item.email, 'deliverable', clock.now()) }], clock.now())));
    const keys = 4 + VERDICTS.length;
    await answerEach(claimed.slice(0, 20));
    await claims.completeFinished([id], clock.now());
    expect(await jobRows(db, id)).toBeLessThanOrEqual(keys);
    await answerEach(claimed.slice(20, 40));
    await claims.completeFinished([id], clock.now() + 4_999);
    const unfolded = await jobRows(db, id);
    await claims.completeFinished([id], clock.now() + 5_000);
    expect(await jobRows(db, id)).toBeLessThanOrEqual(keys);
    await answerEach(claimed.slice(40));
    await claims.completeFinished([id], clock.now() + 5_001);
    expect(await db.selectFrom('jobs').select('status').where('id', '=', id).executeTakeFirstOrThrow()).toEqual({ status: 'completed' });
    expect(await jobRows(db, id)).toBeLessThanOrEqual(keys);
    expect(await readTally(db, id)).toEqual(await counted(db, id));
    // Before the 5 s were up, PostgreSQL had a change row or more for each of the 20 answers (not
    // folded yet); SQLite counts in place.
    if (name === 'postgres') expect(unfolded).toBeGreaterThanOrEqual(20);
    else expect(unfolded).toBeLessThanOrEqual(keys);
  });

  it('forgets the last fold of a job that ended without completing, once it is 5 s old', async () => {
    const db = await open();
    const clock = new FakeClock();
    const cancelled = await claimedJob(db, clock, 4, 2);
    const running = await claimedJob(db, clock, 4, 2);
    const claims = new ItemClaims(db);
    await claims.completeFinished([cancelled.id, running.id], clock.now());
    expect(claims.foldsRemembered).toBe(2);
    // Cancelled here (DELETE /v1/jobs/:id): nothing asks about it again.
    await db.updateTable('jobs').set({ status: 'cancelled' }).where('id', '=', cancelled.id).execute();
    await claims.completeFinished([running.id], clock.now() + 4_999);
    expect(claims.foldsRemembered).toBe(2);
    await claims.completeFinished([running.id], clock.now() + 5_000);
    expect(claims.foldsRemembered).toBe(1);
  });

  it('is filled from the items a store already has when the migration runs', async () => {
    const db = await open();
    const clock = new FakeClock();
    await db.transaction().execute((trx) => jobTallyMigration.down!(trx));
    const id = await upload(db, clock, ['a@d0.test', 'b@d1.test', 'not an address', 'a@d0.test']);
    await db.updateTable('job_items').set({ state: 'done', verdict: 'risky', done_at: clock.now(), due_at: null }).where('key', '=', 'b@d1.test').execute();
    await db.transaction().execute((trx) => jobTallyMigration.up(trx));
    expect(await readTally(db, id)).toEqual(await counted(db, id));
    expect(await readTally(db, id)).toMatchObject({ total: 3, pending: 1, done: 2, checked: 1, counts: { risky: 1, undeliverable: 1 } });
  });

  it('lets the report and the list read no item rows when none waits for a retry', async () => {
    const db = await open();
    const clock = new FakeClock();
    const id = await upload(db, clock, Array.from({ length: 50 }, (_, i) => `u${i}@d${i % 3}.test`));
    const recording = recordingTables(db);
    await jobReport(recording.db, id, clock.now());
    await listJobs(recording.db, 'k1', { limit: 10 });
    expect([...recording.tables].sort()).toEqual(['job_tally', 'jobs']);
    const claims = new ItemClaims(db);
    const [item] = await claims.claim(clock.now(), 1, clock.now() + 60_000);
    await claims.retryLater([{ id: item!.id, attempt: item!.attempt }], clock.now() + 7_000, clock.now() + 60_000);
    expect(await jobReport(db, id, clock.now())).toMatchObject({ waiting_retry: 1, next_retry_at: new Date(clock.now() + 7_000).toISOString() });
    const plan = await sql<Record<string, unknown>>`${sql.raw(name === 'sqlite' ? 'EXPLAIN QUERY PLAN' : 'EXPLAIN')} SELECT min(due_at) FROM job_items WHERE job_id = ${id} AND state = 'waiting'`.execute(db);
    expect(JSON.stringify(plan.rows)).toContain('job_items_waiting');
  });
});
