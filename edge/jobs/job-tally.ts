import type { Kysely } from 'kysely';
import { VERDICTS, type Verdict } from '../../protocol/index.ts';
import { foldTallyChanges } from '../store/fold-tally.ts';
import type { Database } from '../store/schema.ts';

/** Where a job's distinct addresses stand, from the tally the store's triggers keep (migration 019-job-tally). */
export interface Tally {
  /** Distinct addresses: the sum of the four states. */
  total: number;
  pending: number;
  in_flight: number;
  waiting: number;
  done: number;
  /** The done items by verdict. */
  counts: Record<Verdict, number>;
  /** Done items that were checked (had a domain), not resolved at intake: what the job's rate counts. */
  checked: number;
}

/** Change rows of one job past which a read folds them (only PostgreSQL has more than one a key): about what a second of checks adds. */
const FOLD_AFTER = 256;

/**
 * The tallies of these jobs, one read however large they are (a job with no row yet has all
 * zeros). On PostgreSQL the triggers append changes; a read that meets many folds them into one
 * row a key, which later reads then sum instead.
 */
export async function readTallies(db: Kysely<Database>, jobIds: readonly string[]): Promise<Map<string, Tally>> {
  const tallies = new Map(jobIds.map((id) => [id, emptyTally()]));
  if (jobIds.length === 0) return tallies;
  const rows = await db
    .selectFrom('job_tally')
    .select(['job_id', 'state', 'verdict', 'checked', (eb) => eb.fn.sum<number>('n').as('n'), (eb) => eb.fn.countAll<number>().as('changes')])
    .where('job_id', 'in', jobIds)
    .groupBy(['job_id', 'state', 'verdict', 'checked'])
    .execute();
  const changes = new Map<string, number>();
  for (const row of rows) {
    const tally = tallies.get(row.job_id);
    if (!tally) continue;
    const n = Number(row.n);
    tally[row.state] += n;
    tally.total += n;
    changes.set(row.job_id, (changes.get(row.job_id) ?? 0) + Number(row.changes));
    if (row.state !== 'done') continue;
    if (row.verdict in tally.counts) tally.counts[row.verdict as Verdict] += n;
    if (Number(row.checked) === 1) tally.checked += n;
  }
  const unfolded = [...changes].filter(([, n]) => n > FOLD_AFTER).map(([id]) => id);
  if (unfolded.length > 0) await foldTallyChanges(db, unfolded);
  return tallies;
}

/** One job's tally (readTallies). */
export async function readTally(db: Kysely<Database>, jobId: string): Promise<Tally> {
  return (await readTallies(db, [jobId])).get(jobId) ?? emptyTally();
}

export function emptyTally(): Tally {
  return { total: 0, pending: 0, in_flight: 0, waiting: 0, done: 0, counts: Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>, checked: 0 };
}
