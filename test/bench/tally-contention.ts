/**
 * The job tally on PostgreSQL under two edges: the statement triggers of migration 019 append
 * each batch's net change, so two edges answering items of the same jobs never wait on one
 * count row. Three jobs of 20,000 items; each "edge" (an ItemClaims on a pool of its own) claims
 * 500 items and answers them, over and over, until none is due, while a reader asks the jobs'
 * status every 50 ms. First one edge alone, then two at once on a fresh upload.
 * Prints items answered a second, the status read's time, the change rows the tally holds, and
 * whether the tally equals the items counted.
 *
 *   bash test/world/postgres.sh start
 *   npx tsx test/bench/tally-contention.ts [items-a-job]
 */
import type { Kysely } from 'kysely';
import { ingestJob } from '../../edge/jobs/ingest-job.ts';
import type { IntakeEvent } from '../../edge/jobs/intake-rows.ts';
import { ItemClaims } from '../../edge/jobs/item-claims.ts';
import { jobReport } from '../../edge/jobs/job-status.ts';
import { readTallies } from '../../edge/jobs/job-tally.ts';
import { openPostgres } from '../../edge/adapters/postgres-node.ts';
import type { Database } from '../../edge/store/schema.ts';
import { checkSyntax } from '../../edge/syntax/index.ts';
import { resultFromSyntax } from '../../edge/verify/assemble-result.ts';
import { VERDICTS, systemClock, systemRandom } from '../../protocol/index.ts';
import { openPostgresSchema } from '../support/store-engines.ts';

const perJob = Number(process.argv[2] ?? 20_000);
const JOBS = 3;
const BATCH = 500;

async function* rows(job: number): AsyncGenerator<IntakeEvent> {
  yield { columns: null };
  for (let i = 0; i < perJob; i++) yield { row: { email: `u${i}.j${job}@d${i % 2_000}.test`, cells: null } };
}

/** Claims and answers batches until nothing is due; returns the items it answered. */
async function edge(db: Kysely<Database>): Promise<number> {
  const claims = new ItemClaims(db);
  let answered = 0;
  for (;;) {
    const now = systemClock.now();
    const claimed = await claims.claim(now, BATCH, now + 60_000);
    if (claimed.length === 0) return answered;
    answered += await claims.resolve(
      claimed.map((item, i) => ({ ref: { id: item.id, attempt: item.attempt }, result: { ...resultFromSyntax(item.email, checkSyntax(item.email), now), verdict: VERDICTS[i % VERDICTS.length]! } })),
      systemClock.now(),
    );
  }
}

async function run(edges: number): Promise<void> {
  const { db, url, drop } = await openPostgresSchema({ keep: true });
  const pools = await Promise.all(Array.from({ length: edges }, () => openPostgres(url)));
  try {
    const ids: string[] = [];
    for (let j = 0; j < JOBS; j++) {
      const outcome = await ingestJob({ db, clock: systemClock, random: systemRandom, checkSyntax, owner: 'bench' }, rows(j));
      if (!outcome.ok) throw new Error(outcome.error);
      ids.push(outcome.id);
    }
    const reads: number[] = [];
    let running = true;
    const reader = (async () => {
      while (running) {
        const t = performance.now();
        for (const id of ids) await jobReport(db, id, systemClock.now());
        reads.push((performance.now() - t) / ids.length);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const started = performance.now();
    const answered = await Promise.all(pools.map(edge));
    const seconds = (performance.now() - started) / 1000;
    running = false;
    await reader;
    const changeRows = Number((await db.selectFrom('job_tally').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const tallies = await readTallies(db, ids);
    const counted = await db.selectFrom('job_items').select(['job_id', (eb) => eb.fn.countAll<number>().as('n')]).where('state', '=', 'done').groupBy('job_id').execute();
    const right = counted.every((c) => tallies.get(c.job_id)?.done === Number(c.n)) && counted.length === ids.length;
    reads.sort((a, b) => a - b);
    const total = answered.reduce((a, b) => a + b, 0);
    console.log(
      `${edges} edge${edges > 1 ? 's' : ''}: ${total} items in ${seconds.toFixed(2)} s (${(total / seconds).toFixed(0)}/s; ${answered.join(' + ')}), ` +
        `status read p50 ${reads[Math.floor(reads.length / 2)]?.toFixed(1)} ms, max ${reads.at(-1)?.toFixed(1)} ms over ${reads.length} reads; ` +
        `tally rows at the end ${changeRows}; tally equals the items: ${right ? 'yes' : 'NO'}`,
    );
  } finally {
    await Promise.all(pools.map((p) => p.destroy()));
    await drop();
  }
}

console.log(`${JOBS} jobs of ${perJob} items, answered ${BATCH} at a time`);
await run(1);
await run(2);
