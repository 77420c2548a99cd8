import type { ExpressionBuilder, Kysely, UpdateObject } from 'kysely';
import type { VerificationResult } from '../../protocol/index.ts';
import { engineOf } from '../store/dialect.ts';
import { sharedByEdges } from '../store/store-traits.ts';
import type { Database } from '../store/schema.ts';
import { claimStatement, type ClaimedItem } from './claim-statement.ts';

/** A change to one job item, built per row (it may read the row, as `retries + 1` does). */
type ItemUpdate = (eb: ExpressionBuilder<Database, 'job_items'>) => UpdateObject<Database, 'job_items'>;

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
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Takes up to `limit` items that are due (pending, waiting for a retry, or in flight past their
   * lease) of jobs that are open, and leases them until `leaseUntil`.
   */
  async claim(now: number, limit: number, leaseUntil: number): Promise<ClaimedItem[]> {
    const { rows } = await claimStatement(engineOf(this.db), now, limit, leaseUntil).execute(this.db);
    const jobs = [...new Set(rows.map((r) => r.job_id))];
    if (jobs.length > 0) await this.db.updateTable('jobs').set({ status: 'running' }).where('id', 'in', jobs).where('status', '=', 'queued').execute();
    return rows;
  }

  /** At start-up nothing can be in flight any more (the store is this edge's alone): all of it is due again. */
  async recover(now: number): Promise<{ requeued: number; abandonedUploads: number }> {
    // Where other edges share the store their claims and uploads are live, and the claims of an
    // edge that died come due again when their leases end.
    if (sharedByEdges(this.db)) return { requeued: 0, abandonedUploads: 0 };
    const requeued = await this.db.updateTable('job_items').set({ state: 'pending', due_at: now }).where('state', '=', 'in_flight').executeTakeFirst();
    const stale = await this.db.selectFrom('jobs').select('id').where('status', '=', 'uploading').execute();
    for (const { id } of stale) {
      await this.db.deleteFrom('job_rows').where('job_id', '=', id).execute();
      await this.db.deleteFrom('job_items').where('job_id', '=', id).execute();
      await this.db.deleteFrom('jobs').where('id', '=', id).execute();
    }
    return { requeued: Number(requeued.numUpdatedRows), abandonedUploads: stale.length };
  }

  /** Records final results; returns how many applied (the others were stale or duplicates). */
  resolve(done: { ref: ClaimRef; result: VerificationResult }[], now: number): Promise<number> {
    return this.updateClaimed(done.map(({ ref, result }) => ({
      ref,
      set: () => ({ state: 'done', due_at: null, verdict: result.verdict, reason: result.reason, score: result.score, result_json: JSON.stringify(result), done_at: now }),
    })));
  }

  /** Puts items back to wait until `dueAt`; `countsAsRetry` spends one of their retry budget. */
  postpone(refs: ClaimRef[], dueAt: number, countsAsRetry: boolean): Promise<number> {
    return this.updateClaimed(refs.map((ref) => ({
      ref,
      set: (eb) => ({ state: countsAsRetry ? 'waiting' : 'pending', due_at: dueAt, retries: countsAsRetry ? eb('retries', '+', 1) : eb.ref('retries') }),
    })));
  }

  /**
   * The exactly-once guard: an item changes only while it is still in flight under the very
   * claim (attempt) that produced the change; a late or duplicate answer updates nothing.
   */
  private async updateClaimed(changes: { ref: ClaimRef; set: ItemUpdate }[]): Promise<number> {
    if (changes.length === 0) return 0;
    return this.db.transaction().execute(async (trx) => {
      let applied = 0;
      for (const { ref, set } of changes) {
        const r = await trx
          .updateTable('job_items')
          .set(set)
          .where('id', '=', ref.id)
          .where('state', '=', 'in_flight')
          .where('attempt', '=', ref.attempt)
          .executeTakeFirst();
        applied += Number(r.numUpdatedRows);
      }
      return applied;
    });
  }

  /** Marks the jobs with no unresolved item left as completed. */
  async completeFinished(jobIds: string[], now: number): Promise<void> {
    for (const id of jobIds) {
      const open = await this.db.selectFrom('job_items').select('id').where('job_id', '=', id).where('state', 'in', ['pending', 'in_flight', 'waiting']).limit(1).executeTakeFirst();
      if (!open) await this.db.updateTable('jobs').set({ status: 'completed', completed_at: now }).where('id', '=', id).where('status', 'in', ['queued', 'running']).execute();
    }
  }

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
