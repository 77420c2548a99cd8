import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { expect, it } from 'vitest';
import type { AccessEnv } from '../../../edge/access/authenticate.ts';
import { openSqlite } from '../../../edge/adapters/sqlite-node.ts';
import type { Dispatcher } from '../../../edge/dispatch/dispatcher.ts';
import { cidr } from '../../../net/cidr.ts';
import { createMxResolver } from '../../../edge/dns/create-mx-resolver.ts';
import { createStoreResultCache } from '../../../edge/cache/store-result-cache.ts';
import { createJobs } from '../../../edge/jobs/create-jobs.ts';
import { checkSyntax } from '../../../edge/syntax/index.ts';
import { jobReport } from '../../../edge/jobs/job-status.ts';
import { createNetDialer } from '../../../prober/adapters/net-dialer.ts';
import { createTaskRunner } from '../../../prober/engine/create-task-runner.ts';
import { systemClock, systemRandom, type ProbeTask } from '../../../protocol/index.ts';
import { DNS, EXPECTATIONS } from '../../world/world.ts';
import { describeWorld } from '../../support/world-tier.ts';

/** The real SMTP engine behind the Dispatcher interface: the hub's routing is not what this test is about. */
function directDispatcher(mailFrom: string): Dispatcher & { tasks: ProbeTask[] } {
  const run = createTaskRunner({ dialer: createNetDialer(), heloName: 'prober.world.test', mailFrom, allowNets: [cidr('127.0.0.0/8')] });
  const tasks: ProbeTask[] = [];
  return {
    tasks,
    async submit(task, options) {
      tasks.push(task);
      return { ok: true, result: await run(task, options?.signal), agent_id: 'direct' };
    },
    agents: () => [],
    healthyCount: () => 1,
  };
}

describeWorld('a bulk job meets postgrey', () => {
  it('retries greylisted addresses at the hinted delay and completes with the world\'s verdicts', async () => {
    const db = await openSqlite(join(mkdtempSync(join(tmpdir(), 'bz-grey-')), 'bz.db'));
    // A sender never seen before makes fresh greylisting triplets, whatever earlier runs did.
    const dispatcher = directDispatcher(`jobs-${randomUUID().slice(0, 8)}@prober.world.test`);
    const resolver = createMxResolver({ endpoints: [DNS.doh], allowNets: [cidr('127.0.0.0/8')], clock: systemClock, random: systemRandom });
    const cache = createStoreResultCache(db);
    const jobs = createJobs({
      store: db,
      sharedByEdges: false,
      pipeline: { resolver, dispatcher, cache, clock: systemClock, random: systemRandom, cacheTtl: { known: 0, risky: 0, unknown: 0 } },
      checkSyntax,
      // Without a hint this would wait a minute: the test passes only if postgrey's hint is used.
      runner: { retryDelayMs: 60_000, minRetryDelayMs: 0, retryBudget: 3 },
    });
    const emails = ['alice@grey.test', 'bob@grey.test', 'nobody@grey.test', 'alice@world.test'];
    // In the edge the routes sit behind authenticate(), which names the principal that owns the job.
    const routes = new Hono<AccessEnv>()
      .use((c, next) => { c.set('principal', { id: 'greylisting-test', name: 'test', scopes: ['jobs'] }); return next(); })
      .route('/', jobs.mounted.routes);
    const res = await routes.request('/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(emails) });
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
    expect(report).toMatchObject({ status: 'completed', total: 4, done: 4 });
    expect(sawWaiting).toBe(true);
    const items = await db.selectFrom('job_items').select(['email', 'verdict', 'reason', 'retries']).orderBy('id').execute();
    const expected = (email: string) => EXPECTATIONS.find((e) => e.email === email);
    expect(items).toEqual(emails.map((email) => ({ email, verdict: expected(email)?.verdict, reason: expected(email)?.reason, retries: expected(email)?.verdict === 'deliverable' && email.endsWith('@grey.test') ? 1 : 0 })));
    // Postfix refuses an unknown mailbox before it asks postgrey: only the real ones are retried.
    expect(dispatcher.tasks.at(-1)?.addresses.map((a) => a.address).sort()).toEqual(['alice@grey.test', 'bob@grey.test']);
    expect(dispatcher.tasks.map((t) => t.domain).sort()).toEqual(['grey.test', 'grey.test', 'world.test']);
    await db.destroy();
  }, 60_000);
});
