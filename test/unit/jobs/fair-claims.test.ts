/**
 * Fairness between jobs, asserted by who gets claimed and in what order, never by time: claims go
 * round the API keys with due work, then round each key's jobs, so a small job submitted during a
 * large one is claimed at once and finishes in the steps it would take alone.
 */
import { describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { fairShares } from '../../../edge/jobs/fair-shares.ts';
import { ItemClaims } from '../../../edge/jobs/item-claims.ts';
import type { Database } from '../../../edge/store/schema.ts';
import type { DispatchOutcome } from '../../../edge/dispatch/dispatcher.ts';
import type { ProbeTask } from '../../../protocol/index.ts';
import { memoryStore } from '../api/app-harness.ts';
import { jobsHarness, plan, probeAnswer } from './jobs-harness.ts';

const T = 1_700_000_000_000;

async function seedJob(db: Kysely<Database>, id: string, owner: string, items: number, createdAt: number): Promise<void> {
  await db.insertInto('jobs').values({ id, owner, status: 'queued', columns_json: null, rows: items, created_at: createdAt, completed_at: null }).execute();
  await db
    .insertInto('job_items')
    .values(Array.from({ length: items }, (_, i) => ({ job_id: id, key: `u${i}@${id}.test`, email: `u${i}@${id}.test`, domain: `${id}.test`, state: 'pending' as const, attempt: 0, retries: 0, due_at: createdAt, verdict: null, reason: null, score: null, result_json: null, done_at: null })))
    .execute();
}

function tally(items: { job_id: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[i.job_id] = (out[i.job_id] ?? 0) + 1;
  return out;
}

describe('fair shares', () => {
  it('splits per owner first, then per job of that owner', () => {
    const jobs = [{ id: 'a1', owner: 'A' }, { id: 'a2', owner: 'A' }, { id: 'b1', owner: 'B' }];
    expect(Object.fromEntries(fairShares(jobs, 60))).toEqual({ a1: 15, a2: 15, b1: 30 });
  });

  it('rotates the odd claims when the limit does not go round', () => {
    const jobs = ['j1', 'j2', 'j3'].map((id) => ({ id, owner: id }));
    const winners = [0, 1, 2].map((turn) => [...fairShares(jobs, 1, turn).keys()]);
    expect(winners).toEqual([['j1'], ['j2'], ['j3']]);
  });
});

describe('claims across jobs', () => {
  it('a key with one small job gets as much as a key with two large ones; a share not filled goes to the others', async () => {
    const db = await memoryStore();
    await seedJob(db, 'a1', 'A', 100, T);
    await seedJob(db, 'a2', 'A', 100, T + 1);
    await seedJob(db, 'b1', 'B', 5, T + 2);
    const claims = new ItemClaims(db);
    const first = await claims.claim(T + 10, 60, T + 60_000);
    // B's share was 30 but it had 5: the 25 left went to A's two jobs, half each (one gets the odd one).
    const got = tally(first);
    expect(got.b1).toBe(5);
    expect([got.a1, got.a2].sort()).toEqual([27, 28]);
    await seedJob(db, 'b2', 'B', 100, T + 20);
    const second = await claims.claim(T + 30, 40, T + 60_000);
    expect(tally(second)).toEqual({ a1: 10, a2: 10, b2: 20 });
  });

  it('claims in due order within a job, and never from a job that is not open', async () => {
    const db = await memoryStore();
    await seedJob(db, 'c1', 'A', 10, T);
    await db.updateTable('jobs').set({ status: 'cancelled' }).where('id', '=', 'c1').execute();
    await seedJob(db, 'o1', 'A', 3, T);
    await db.updateTable('job_items').set({ due_at: T + 5_000 }).where('key', '=', 'u0@o1.test').execute();
    const claimed = await new ItemClaims(db).claim(T + 10, 10, T + 60_000);
    expect(claimed.map((i) => i.email)).toEqual(['u1@o1.test', 'u2@o1.test']);
  });
});

describe('a small job during a large one', () => {
  it('is claimed at the next free room and completes in the steps it takes alone', async () => {
    const domains = Array.from({ length: 10 }, (_, d) => `d${d}.test`);
    // Every task answers one fake second after it was sent: the test counts seconds (steps), not time.
    let h!: Awaited<ReturnType<typeof jobsHarness>>;
    const answer = (task: ProbeTask, signal?: AbortSignal) =>
      new Promise<DispatchOutcome>((resolve) => {
        h.clock.setTimer(() => resolve(probeAnswer({ outcome: 'accepted', reason: 'accepted' })(task) as DispatchOutcome), 1000);
        signal?.addEventListener('abort', () => resolve({ ok: false, reason: 'deadline_exceeded', detail: 'stopped' }), { once: true });
      });
    h = await jobsHarness({
      plans: Object.fromEntries([...domains, 'small.test'].map((d) => [d, plan(d)])),
      answer,
      runner: { claimSize: 100, maxInFlight: 100, taskSize: 10, minTaskSize: 10 },
    });
    const big = await h.create(JSON.stringify(Array.from({ length: 1000 }, (_, i) => `u${i}@${domains[i % 10]}`)), 'application/json');
    // The runner never idles while tasks wait on the fake clock: move the clock, then let the runner
    // settle (no new task sent for a good while of event-loop turns) before the next move.
    const step = async (ms: number) => {
      await h.clock.advance(ms);
      for (let quiet = 0, seen = -1, turns = 0; quiet < 500 && turns < 50_000; turns++) {
        await new Promise((r) => setImmediate(r));
        quiet = h.dispatcher.tasks.length === seen ? quiet + 1 : 0;
        seen = h.dispatcher.tasks.length;
      }
    };
    await h.runner.start();
    await step(0);
    await step(1000);
    const small = await h.create(JSON.stringify(Array.from({ length: 20 }, (_, i) => `s${i}@small.test`)), 'application/json');
    const sentBefore = h.dispatcher.tasks.length;
    let steps = 0;
    while ((await h.status(small)).status !== 'completed' && steps < 20) {
      await step(1000);
      steps++;
    }
    // Alone it would take one step (one round of tasks); behind the large job's room it takes one more.
    expect(steps).toBeLessThanOrEqual(2);
    const after = h.dispatcher.tasks.slice(sentBefore);
    const firstSmall = after.findIndex((t) => t.domain === 'small.test');
    // Only the tasks that were answered before it could be claimed went out ahead of it.
    expect(after.slice(0, firstSmall).every((t) => t.domain !== 'small.test')).toBe(true);
    expect(firstSmall).toBeLessThanOrEqual(10);
    expect(after.filter((t) => t.domain === 'small.test').flatMap((t) => t.addresses)).toHaveLength(20);
    const bigNow = await h.status(big);
    expect(bigNow.status).toBe('running');
    expect(bigNow.done).toBeLessThan(500);
    await h.runner.stop();
  });
});
