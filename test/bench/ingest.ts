/**
 * The edge's CPU per uploaded row: POST /v1/jobs with a JSON list of addresses, from the request
 * to its 202 (authentication, the streamed parse, syntax, the job's items and rows written), on a
 * real SQLite file (WAL) as `bouncezero start` opens it. Each round is a fresh store and ten
 * jobs of `rows` addresses over 200 domains, a few repeated as real lists are; nothing runs the
 * jobs. CPU time of this process, median of the rounds.
 *
 *   npx tsx test/bench/ingest.ts [rounds] [rows]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../edge/adapters/sqlite-node.ts';
import { jobsHarness } from '../unit/jobs/jobs-harness.ts';
import { cpuMsSince, measuredRounds } from './cpu-rounds.ts';

const rounds = Number(process.argv[2] ?? 5);
const rows = Number(process.argv[3] ?? 1000);
const JOBS = 10;

async function round(n: number): Promise<number> {
  const store = await openSqliteStore(join(mkdtempSync(join(tmpdir(), 'bz-bench-ingest-')), 'bz.db'));
  const h = await jobsHarness({ store });
  let ms = 0;
  for (let job = 0; job < JOBS; job++) {
    // One address in 50 given twice (folded onto one item), one in 100 invalid (decided at once).
    const list = Array.from({ length: rows }, (_, i) => (i % 100 === 99 ? `not an address ${i}` : `user${i % 50 === 49 ? i - 1 : i}@shop${i % 200}.r${n}j${job}.test`));
    const body = JSON.stringify(list);
    const started = process.cpuUsage();
    await h.create(body, 'application/json');
    ms += cpuMsSince(started);
  }
  await store.db.destroy();
  return (ms * 1000) / (rows * JOBS);
}

await measuredRounds('CPU ms per 1,000 rows', rounds, round, 1);
