import type { Kysely } from 'kysely';
import type { VerificationResult } from '../../protocol/index.ts';
import { batchedWrites } from '../store/batched-writes.ts';
import { foldTallyChanges } from '../store/fold-tally.ts';
import { portablePacking } from '../store/deflate-portable.ts';
import { skipLockedRows } from '../store/dialect.ts';
import type { ResultPacking } from '../store/packed-result.ts';
import { preparedQuery } from '../store/prepared-query.ts';
import type { Database } from '../store/schema.ts';
import { claimStatement, type ClaimedItem, type ClaimedRow } from './claim-statement.ts';
import { deleteJob, resumeDeletions, type ForgetResults } from './delete-job.ts';
import { fairShares, type DueJob } from './fair-shares.ts';

/** The exactly-once guard every change of an item carries (see updateClaimed). */
interface Guard {
  id: number;
  attempt: number;
}

/**
 * The three changes of a claimed item, each compiled once (preparedQuery): a bulk job runs one
 * per item, and kysely's building of each cost more CPU than SQLite's run of it.
 */
const resolveItem = preparedQuery((db: Kysely<Database>, p: Guard & { verdict: string; reason: string; score: number; result_json: string; done_at: number }) =>
  guarded(db.updateTable('job_items').set({ state: 'done', due_at: null, verdict: p.verdict, reason: p.reason, score: p.score, result_json: p.result_json, done_at: p.done_at }), p),
);
const postponeItem = preparedQuery((db: Kysely<Database>, p: Guard & { due_at: number }) => guarded(db.updateTable('job_items').set({ state: 'pending', due_at: p.due_at }), p));
const retryItem = preparedQuery((db: Kysely<Database>, p: Guard & { due_at: number; retry_until: number }) =>
  guarded(db.updateTable('job_items').set((eb) => ({ state: 'waiting', due_at: p.due_at, retry_until: p.retry_until, retries: eb('retries', '+', 1) })), p),
);

/** An item changes only while it is still in flight under the very claim (attempt) that produced the change. */
function guarded<Q extends { where: (column: 'id' | 'state' | 'attempt', op: '=', value: any) => Q }>(query: Q, p: Guard): Q {
  return query.where('id', '=', p.id).where('state', '=', 'in_flight').where('attempt', '=', p.attempt);
}

/** One item's change, compiled for the store, to run in the batch's transaction (which shares the store's SQL dialect). */
type ItemChange = ReturnType<typeof resolveItem>;

/** How often a running job's tally is folded by the edge that runs it (see completions). */
const FOLD_EVERY_MS = 5_000;

/** Jobs looked at in one claim; more with due work wait for a later claim (the oldest go first). */
const MAX_JOBS_PER_CLAIM = 1000;

/** The claim an answer belongs to: it applies only while the item is still in flight on that attempt. */
export interface ClaimRef {
  id: number;
  attempt: number;
}

/**
 * Every change of an item's state, each guarded in SQL so a result applies exactly once: a
 * duplicate, late or stale answer (for an earlier attempt) matches no row and changes nothing.
 */
export class ItemClaims {
  /** Rotates who gets the odd claims when a claim's size does not go round the jobs. */
  private turn = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly packing: ResultPacking = portablePacking,
  ) {}

  /**
   * Takes up to `limit` items that are due (pending, waiting for a retry, or in flight past their
   * lease) of jobs that are open, and leases them until `leaseUntil`. The claim goes round the
   * jobs with due work (fair-shares.ts), so a small job is not queued behind a large one; a
   * share a job cannot fill goes to the others.
   */
  async claim(now: number, limit: number, leaseUntil: number): Promise<ClaimedItem[]> {
    const lock = skipLockedRows(this.db, 'i');
    const rows: ClaimedRow[] = [];
    let open = await this.dueJobs(now);
    while (open.length > 0 && rows.length < limit) {
      const shares = fairShares(open, limit - rows.length, this.turn++);
      const filled: DueJob[] = [];
      for (const job of open) {
        const share = shares.get(job.id);
        if (!share) continue;
        const claimed = await claimStatement(lock, job.id, now, share, leaseUntil).execute(this.db);
        rows.push(...claimed.rows);
        if (claimed.rows.length === share) filled.push(job);
      }
      open = filled;
    }
    if (rows.length === 0) return [];
    const jobIds = [...new Set(rows.map((r) => r.job_id))];
    await this.db.updateTable('jobs').set({ status: 'running', started_at: now }).where('id', 'in', jobIds).where('status', '=', 'queued').execute();
    const jobs = new Map((await this.db.selectFrom('jobs').select(['id', 'max_wait_ms', 'rows']).where('id', 'in', jobIds).execute()).map((j) => [j.id, j]));
    // bigint columns come back as strings from some drivers (PostgreSQL).
    return rows.map((r) => {
      const job = jobs.get(r.job_id);
      return {
        ...r,
        retry_until: r.retry_until === null ? null : Number(r.retry_until),
        max_wait_ms: job?.max_wait_ms === null || job?.max_wait_ms === undefined ? null : Number(job.max_wait_ms),
        job_rows: job?.rows ?? 0,
      };
    });
  }

  /** Open jobs with an item due now, oldest first, with the principal (API key) that owns each. */
  private async dueJobs(now: number): Promise<DueJob[]> {
    return this.db
      .selectFrom('jobs as j')
      .select(['j.id', 'j.owner'])
      .where('j.status', 'in', ['queued', 'running'])
      .where((eb) => eb.exists(eb.selectFrom('job_items as i').select('i.id').whereRef('i.job_id', '=', 'j.id').where('i.due_at', 'is not', null).where('i.due_at', '<=', now)))
      .orderBy('j.created_at')
      .limit(MAX_JOBS_PER_CLAIM)
      .execute();
  }

  /**
   * At start-up on a store this edge has alone nothing can be in flight any more: all of it is
   * due again, and half-done uploads are dropped. Never call it on a store other edges share.
   */
  async recover(now: number): Promise<{ requeued: number; abandonedUploads: number }> {
    const requeued = await this.db.updateTable('job_items').set({ state: 'pending', due_at: now }).where('state', '=', 'in_flight').executeTakeFirst();
    const stale = await this.db.selectFrom('jobs').select('id').where('status', '=', 'uploading').execute();
    for (const { id } of stale) await deleteJob(this.db, id);
    return { requeued: Number(requeued.numUpdatedRows), abandonedUploads: stale.length };
  }

  /** Finishes the deletions an edge stopped in the middle of (delete-job.ts); safe beside other edges doing the same. */
  finishDeletions(forget: ForgetResults): Promise<number> {
    return resumeDeletions(this.db, forget);
  }

  /** Records final results; returns how many applied (the others were stale or duplicates). */
  resolve(done: { ref: ClaimRef; result: VerificationResult }[], now: number): Promise<number> {
    return this.updateClaimed(done.map(({ ref, result }) =>
      resolveItem(this.db, { ...ref, verdict: result.verdict, reason: result.reason, score: result.score, result_json: this.packing.pack(result), done_at: now }),
    ));
  }

  /** Puts items back, not yet tried (no prober could take them), until `dueAt`; no retry is spent. */
  postpone(refs: ClaimRef[], dueAt: number): Promise<number> {
    return this.updateClaimed(refs.map((ref) => postponeItem(this.db, { ...ref, due_at: dueAt })));
  }

  /** A retry: the items wait until `dueAt`, spend one retry, and keep `retryUntil` as their cut-off. */
  retryLater(refs: ClaimRef[], dueAt: number, retryUntil: number): Promise<number> {
    return this.updateClaimed(refs.map((ref) => retryItem(this.db, { ...ref, due_at: dueAt, retry_until: retryUntil })));
  }

  /** Pushes the lease of items still in flight under these claims out to `leaseUntil`; settled ones are left alone. */
  async renew(refs: ClaimRef[], leaseUntil: number): Promise<void> {
    const byAttempt = new Map<number, number[]>();
    for (const { id, attempt } of refs) byAttempt.set(attempt, [...(byAttempt.get(attempt) ?? []), id]);
    for (const [attempt, ids] of byAttempt) {
      await this.db.updateTable('job_items').set({ due_at: leaseUntil }).where('id', 'in', ids).where('state', '=', 'in_flight').where('attempt', '=', attempt).execute();
    }
  }

  /** The exactly-once guard (`guarded`) holds for every change: a late or duplicate answer updates nothing. */
  private async updateClaimed(changes: ItemChange[]): Promise<number> {
    return (await this.changes(changes)).reduce((sum, n) => sum + n, 0);
  }

  /** The changes of every domain answered in one moment in one transaction (a commit cost more than its rows); 1 per change that applied. */
  private readonly changes = batchedWrites((changes: ItemChange[]) =>
    this.db.transaction().execute(async (trx) => {
      const applied: number[] = [];
      for (const change of changes) applied.push(Number((await trx.executeQuery(change)).numAffectedRows ?? 0));
      return applied;
    }),
  );

  /** Marks the jobs with no unresolved item left as completed. */
  async completeFinished(jobIds: string[], now: number): Promise<void> {
    await this.completions(jobIds.map((id) => ({ id, now })));
  }

  /** When each job's tally was last folded here (foldTallyChanges), for the last FOLD_EVERY_MS. */
  private readonly folded = new Map<string, number>();

  /** How many jobs' last fold is remembered (a job cancelled or deleted while it ran is forgotten too). */
  get foldsRemembered(): number {
    return this.folded.size;
  }

  /**
   * The jobs of every domain's work that ended in one moment looked at once: a job of many
   * domains is asked about once, not once a domain. Their tallies are folded at most every
   * FOLD_EVERY_MS, so a job nobody asks about while it runs does not pile up change rows for
   * the first reader to sum (PostgreSQL; nothing to fold on SQLite).
   */
  private readonly completions = batchedWrites(async (asked: { id: string; now: number }[]) => {
    const latest = new Map<string, number>();
    for (const { id, now } of asked) latest.set(id, Math.max(now, latest.get(id) ?? now));
    const fold: string[] = [];
    for (const [id, now] of latest) {
      const open = await this.db.selectFrom('job_items').select('id').where('job_id', '=', id).where('state', 'in', ['pending', 'in_flight', 'waiting']).limit(1).executeTakeFirst();
      if (!open) await this.db.updateTable('jobs').set({ status: 'completed', completed_at: now }).where('id', '=', id).where('status', 'in', ['queued', 'running']).execute();
      // A finished job is folded once more, and forgotten here.
      const due = !open || now - (this.folded.get(id) ?? -Infinity) >= FOLD_EVERY_MS;
      if (due) fold.push(id);
      if (!open) this.folded.delete(id);
      else if (due) this.folded.set(id, now);
    }
    // A fold older than FOLD_EVERY_MS makes its job due, as no entry would: dropping it changes
    // nothing, and forgets the jobs that ended without completing here (cancelled, deleted).
    const newest = Math.max(...latest.values());
    for (const [id, at] of this.folded) if (newest - at >= FOLD_EVERY_MS) this.folded.delete(id);
    await foldTallyChanges(this.db, fold);
  });

  /** The earliest time an item of an open job becomes claimable, or null when none waits. */
  async nextDue(): Promise<number | null> {
    const row = await this.db
      .selectFrom('job_items as i')
      .innerJoin('jobs as j', 'j.id', 'i.job_id')
      .select('i.due_at')
      .where('i.due_at', 'is not', null)
      .where('j.status', 'in', ['queued', 'running'])
      .orderBy('i.due_at')
      .limit(1)
      .executeTakeFirst();
    // bigint columns come back as strings from some drivers (PostgreSQL).
    return row?.due_at === null || row?.due_at === undefined ? null : Number(row.due_at);
  }
}
