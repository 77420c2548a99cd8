/**
 * Bulk-job store figures on a real SQLite file: streamed upload of N rows (default 1,000,000),
 * GET status and the job list, one claim of 500 items (100 of them then waiting for a retry, so
 * the report looks for retry times), and streaming every result row as CSV.
 * Run: npx tsx test/bench/jobs.ts [rows]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openSqlite } from '../../edge/adapters/sqlite-node.ts';
import { csvIntake } from '../../edge/jobs/intake-rows.ts';
import { ingestJob } from '../../edge/jobs/ingest-job.ts';
import { ItemClaims } from '../../edge/jobs/item-claims.ts';
import { resultsStream } from '../../edge/jobs/job-results.ts';
import { listJobs } from '../../edge/jobs/job-list.ts';
import { jobReport } from '../../edge/jobs/job-status.ts';
import { checkSyntax } from '../../edge/syntax/index.ts';
import { systemClock, systemRandom } from '../../protocol/index.ts';

const rows = Number(process.argv[2] ?? 1_000_000);
const db = await openSqlite(join(mkdtempSync(join(tmpdir(), 'bz-bench-jobs-')), 'bz.db'));
const encoder = new TextEncoder();
let next = 0;
const body = new ReadableStream<Uint8Array>({
  pull(controller) {
    if (next === 0) controller.enqueue(encoder.encode('id,email\r\n'));
    let text = '';
    while (next < rows && text.length < 65_536) text += `${next},user${next % (rows * 0.9)}@d${next++ % 5000}.test\r\n`;
    if (text) controller.enqueue(encoder.encode(text));
    if (next >= rows) controller.close();
  },
});
const time = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
  const t = performance.now();
  const value = await f();
  const ms = performance.now() - t;
  console.log(`${what}: ${ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`}`);
  return value;
};
const heap0 = process.memoryUsage().heapUsed;
const outcome = await time(`upload ${rows} rows`, () => ingestJob({ db, clock: systemClock, random: systemRandom, checkSyntax, owner: 'bench' }, csvIntake(body)));
if (!outcome.ok) throw new Error(outcome.error);
console.log(`heap after upload: +${((process.memoryUsage().heapUsed - heap0) / 2 ** 20).toFixed(0)} MB`);
const report = await time('GET status', () => jobReport(db, outcome.id, systemClock.now()));
console.log(`rows ${report?.rows}, distinct ${report?.total}`);
const plan = await sql<{ detail: string }>`EXPLAIN QUERY PLAN SELECT i.id FROM job_items i JOIN jobs j ON j.id = i.job_id WHERE i.due_at IS NOT NULL AND i.due_at <= ${Date.now()} AND j.status IN ('queued','running') ORDER BY i.due_at LIMIT 500`.execute(db);
console.log(`claim plan: ${plan.rows.map((r) => r.detail).join(' | ')}`);
await time('GET job list', () => listJobs(db, 'bench', { limit: 20 }));
const claims = new ItemClaims(db);
const claimed = await time('claim 500', () => claims.claim(systemClock.now(), 500, systemClock.now() + 60_000));
await claims.retryLater(claimed.slice(0, 100).map((item) => ({ id: item.id, attempt: item.attempt })), systemClock.now() + 60_000, systemClock.now() + 3_600_000);
await time('GET status, 100 waiting for a retry', () => jobReport(db, outcome.id, systemClock.now()));
await time('stream all results as CSV', async () => {
  let bytes = 0;
  for await (const chunk of resultsStream(db, { id: outcome.id, columns: ['id', 'email'], cancelled: false }, 'csv') as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
  console.log(`  ${(bytes / 2 ** 20).toFixed(0)} MB`);
});
await db.destroy();
