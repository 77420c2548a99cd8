import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXPECTATIONS } from '../world/world.ts';
import { startBounceZero, type BounceZeroProcess } from './bouncezero-process.ts';
import { describeWorld } from '../support/world-tier.ts';

interface Report {
  status: string;
  total: number;
  done: number;
  waiting_retry: number;
  counts: Record<string, number>;
}

interface Row {
  email: string;
  verdict: string | null;
  reason: string | null;
  score: number | null;
}

/**
 * Issue 6 item 9: every address of the world as one job through `bouncezero start`, and every
 * verdict and reason as the world says. grey.test's mailboxes are greylisted on the first try
 * (the sender is new to postgrey) and resolve on the runner's retry after GREYLIST_DELAY_S.
 */
describeWorld('a mixed job through bouncezero start', () => {
  let bz: BounceZeroProcess;
  beforeAll(async () => {
    bz = await startBounceZero();
  });
  afterAll(async () => {
    await bz?.stop();
  });

  it('gives every address of the world its expected verdict and reason, greylisted ones after a retry', async () => {
    const auth = { authorization: `Bearer ${bz.key}` };
    const emails = EXPECTATIONS.map((e) => e.email);
    const created = await fetch(`${bz.url}/v1/jobs`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(emails) });
    expect(created.status, await created.clone().text()).toBe(202);
    const { id } = (await created.json()) as { id: string };

    let report: Report | undefined;
    let maxWaiting = 0;
    // Polls are counted, not timed: 1200 × 50 ms bounds the test far above the world's 3 s greylisting.
    for (let polls = 0; polls < 1200 && report?.status !== 'completed'; polls++) {
      if (polls > 0) await new Promise((r) => setTimeout(r, 50));
      report = (await (await fetch(`${bz.url}/v1/jobs/${id}`, { headers: auth })).json()) as Report;
      maxWaiting = Math.max(maxWaiting, report.waiting_retry);
    }
    expect(report, bz.output()).toMatchObject({ status: 'completed', total: emails.length, done: emails.length, waiting_retry: 0 });

    const rows = (await (await fetch(`${bz.url}/v1/jobs/${id}/results?format=json`, { headers: auth })).json()) as Row[];
    const got = rows.map((r) => ({ email: r.email, verdict: r.verdict, reason: r.reason }));
    expect(got).toEqual(EXPECTATIONS.map(({ email, verdict, reason }) => ({ email, verdict, reason })));
    for (const row of rows) expect(row.score, row.email).toBeTypeOf('number');

    const greylisted = EXPECTATIONS.filter((e) => e.email.endsWith('@grey.test') && e.verdict === 'deliverable').length;
    // Both deliverable grey.test mailboxes met postgrey in one session and waited on a retry together;
    // nobody@grey.test was refused before postgrey was asked, so it never waited.
    expect(greylisted).toBe(2);
    expect(maxWaiting).toBe(greylisted);
    const counts = Object.fromEntries(['deliverable', 'risky', 'undeliverable', 'unknown'].map((v) => [v, EXPECTATIONS.filter((e) => e.verdict === v).length]));
    expect(report!.counts).toEqual(counts);
  }, 90_000);
});
