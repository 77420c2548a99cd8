/**
 * The edge's CPU per result of a bulk job, on the path from a prober's result frame to the
 * stored answer: parseFrame and expandPreludes, the job runner's settle (scoring, evidence), the item updates, the
 * result-cache writes and the job's completion, on a real SQLite file (WAL) as `bouncezero start`
 * opens it. DNS is scripted (another bench's matter). Each round is a fresh store and a job of
 * 1,000 addresses over 200 domains whose answers carry a realistic SMTP transcript and come back
 * spread over ~30 moments, as the realistic bench's do. CPU time of this process, median of the rounds.
 *
 *   npx tsx test/bench/results-path.ts [rounds]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../edge/adapters/sqlite-node.ts';
import { expandPreludes, parseFrame, PROTOCOL_VERSION, sharePreludes, type ProbeTask } from '../../protocol/index.ts';
import { jobsHarness, plan } from '../unit/jobs/jobs-harness.ts';
import { cpuMsSince, measuredRounds } from './cpu-rounds.ts';
import { realisticResult } from './realistic-result.ts';

const rounds = Number(process.argv[2] ?? 3);
const DOMAINS = 200;
const PER_DOMAIN = 5;
const MOMENTS = 30;
let frameBytes = 0;
let framedAddresses = 0;

function resultFrame(task: ProbeTask): string {
  const result = realisticResult(task);
  // As a prober sends it to an edge that reads shared preludes (all of ours).
  const text = JSON.stringify({ type: 'result', v: PROTOCOL_VERSION, result: sharePreludes(result) });
  frameBytes += text.length;
  framedAddresses += result.results.length;
  return text;
}

async function round(n: number): Promise<number> {
  const domains = Array.from({ length: DOMAINS }, (_, i) => `shop${String(i).padStart(3, '0')}.r${n}.test`);
  const store = await openSqliteStore(join(mkdtempSync(join(tmpdir(), 'bz-bench-results-')), 'bz.db'));
  // What the prober does (building the frame's text) is not the edge's CPU: it is timed and taken off.
  let proberCpu = 0;
  const h = await jobsHarness({
    store,
    plans: Object.fromEntries(domains.map((d) => [d, plan(d)])),
    answer: (task) => {
      const started = process.cpuUsage();
      const text = resultFrame(task);
      proberCpu += cpuMsSince(started);
      const moment = domains.indexOf(task.domain) % MOMENTS;
      return new Promise((resolve) =>
        setTimeout(() => {
          const parsed = parseFrame(text);
          if (!parsed.ok || parsed.frame.type !== 'result') throw new Error(`bad frame: ${JSON.stringify(parsed)}`);
          resolve({ ok: true, result: expandPreludes(parsed.frame.result), agent_id: 'agent-0' });
        }, 20 * moment),
      );
    },
  });
  const list = domains.flatMap((d) => Array.from({ length: PER_DOMAIN }, (_, i) => `user${i}@${d}`));
  const id = await h.create(JSON.stringify(list), 'application/json');
  const started = process.cpuUsage();
  await h.run();
  const ms = cpuMsSince(started) - proberCpu;
  const status = await h.status(id);
  if (status.status !== 'completed' || status.done !== list.length) throw new Error(`job not done: ${JSON.stringify(status)}`);
  await h.runner.stop();
  await store.db.destroy();
  return (ms * 1000) / list.length;
}

await measuredRounds('CPU ms per 1,000 results', rounds, round);
console.log(`result frames: ${Math.round(frameBytes / framedAddresses)} bytes an address`);
