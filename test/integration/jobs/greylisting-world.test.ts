import { expect, it } from 'vitest';
import { EXPECTATIONS } from '../../world/world.ts';
import { freshSender } from '../../support/world-smtp.ts';
import { runWorldJob } from '../../support/world-job.ts';
import { describeWorld } from '../../support/world-tier.ts';

describeWorld('a bulk job meets postgrey', () => {
  it('retries greylisted addresses at the hinted delay and completes with the world\'s verdicts', async () => {
    const emails = ['alice@grey.test', 'bob@grey.test', 'nobody@grey.test', 'alice@world.test'];
    const job = await runWorldJob({
      emails,
      mailFrom: freshSender('jobs'),
      // Without a hint this would wait a minute: the test passes only if postgrey's hint is used.
      runner: { retryDelayMs: 60_000, minRetryDelayMs: 0, retryBudget: 3 },
    });
    expect(job.report).toMatchObject({ status: 'completed', total: 4, done: 4 });
    expect(job.sawWaiting).toBe(true);
    const expected = (email: string) => EXPECTATIONS.find((e) => e.email === email);
    expect(job.items).toEqual(emails.map((email) => ({ email, verdict: expected(email)?.verdict, reason: expected(email)?.reason, retries: expected(email)?.verdict === 'deliverable' && email.endsWith('@grey.test') ? 1 : 0 })));
    // Postfix refuses an unknown mailbox before it asks postgrey: only the real ones are retried.
    expect(job.tasks.at(-1)?.addresses.map((a) => a.address).sort()).toEqual(['alice@grey.test', 'bob@grey.test']);
    expect(job.tasks.map((t) => t.domain).sort()).toEqual(['grey.test', 'grey.test', 'world.test']);
  }, 60_000);
});
