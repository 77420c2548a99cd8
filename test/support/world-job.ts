/**
 * A bulk job run end to end against the test world: the edge's job runner and domain pipeline,
 * the world's DoH, and the real SMTP engine behind the Dispatcher interface (the hub's routing is
 * not what these tests are about). Returns the rows as stored and every task dispatched.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import type { AccessEnv } from '../../edge/access/authenticate.ts';
import { openSqlite } from '../../edge/adapters/sqlite-node.ts';
import { createStoreResultCache } from '../../edge/cache/store-result-cache.ts';
import type { Dispatcher } from '../../edge/dispatch/dispatcher.ts';
import { createMxResolver } from '../../edge/dns/create-mx-resolver.ts';
import { createJobs } from '../../edge/jobs/create-jobs.ts';
import { portablePacking } from '../../edge/store/deflate-portable.ts';
import { jobReport, type JobReport } from '../../edge/jobs/job-status.ts';
import type { RunnerOptions } from '../../edge/jobs/runner-options.ts';
import { checkSyntax } from '../../edge/syntax/index.ts';
import { cidr } from '../../net/cidr.ts';
import { createNetDialer } from '../../prober/adapters/net-dialer.ts';
import { createTaskRunner } from '../../prober/engine/create-task-runner.ts';
import { systemClock, systemRandom, type ProbeResult, type ProbeTask } from '../../protocol/index.ts';
import { DNS } from '../world/world.ts';

export interface WorldJobOptions {
  emails: string[];
  /** A sender never seen before makes fresh greylisting triplets, whatever earlier runs did. */
  mailFrom: string;
  runner: Partial<RunnerOptions>;
  /** The port dialed on every MX address (a counting proxy's), 25 by default. */
  port?: number;
}

export interface WorldJob {
  report: JobReport | null;
  items: { email: string; verdict: string | null; reason: string | null; retries: number }[];
  tasks: ProbeTask[];
  results: ProbeResult[];
  /** Some poll saw rows waiting for a retry with a time set. */
  sawWaiting: boolean;
}

function directDispatcher(mailFrom: string, port: number): Dispatcher & { tasks: ProbeTask[]; results: ProbeResult[] } {
  const run = createTaskRunner({ dialer: createNetDialer(), heloName: 'prober.world.test', mailFrom, port, allowNets: [cidr('127.0.0.0/8')] });
  const tasks: ProbeTask[] = [];
  const results: ProbeResult[] = [];
  return {
    tasks,
    results,
    async submit(task, options) {
      tasks.push(task);
      const result = await run(task, options?.signal);
      results.push(result);
      return { ok: true, result, agent_id: 'direct' };
    },
    agents: () => [],
    healthyCount: () => 1,
  };
}

export async function runWorldJob(options: WorldJobOptions): Promise<WorldJob> {
  const db = await openSqlite(join(mkdtempSync(join(tmpdir(), 'bz-world-job-')), 'bz.db'));
  const dispatcher = directDispatcher(options.mailFrom, options.port ?? 25);
  const resolver = createMxResolver({ endpoints: [DNS.doh], allowNets: [cidr('127.0.0.0/8')], clock: systemClock, random: systemRandom });
  const jobs = createJobs({
    store: db,
    sharedByEdges: false,
    pipeline: { resolver, dispatcher, cache: createStoreResultCache(db, { packing: portablePacking }), clock: systemClock, random: systemRandom, cacheTtl: { known: 0, risky: 0, unknown: 0 } },
    checkSyntax,
    packing: portablePacking,
    runner: options.runner,
  });
  // In the edge the routes sit behind authenticate(), which names the principal that owns the job.
  const routes = new Hono<AccessEnv>()
    .use((c, next) => { c.set('principal', { id: 'world-job-test', name: 'test', scopes: ['jobs'] }); return next(); })
    .route('/', jobs.mounted.routes);
  const res = await routes.request('/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(options.emails) });
  const { id } = (await res.json()) as { id: string };
  await jobs.runner.start();
  let sawWaiting = false;
  let report = await jobReport(db, id, systemClock.now());
  for (let i = 0; i < 600 && report?.status !== 'completed'; i++) {
    await new Promise((r) => setTimeout(r, 50));
    report = await jobReport(db, id, systemClock.now());
    sawWaiting ||= (report?.waiting_retry ?? 0) > 0 && report?.next_retry_at !== null;
  }
  await jobs.runner.stop();
  const items = await db.selectFrom('job_items').select(['email', 'verdict', 'reason', 'retries']).orderBy('id').execute();
  await db.destroy();
  return { report, items, tasks: dispatcher.tasks, results: dispatcher.results, sawWaiting };
}
