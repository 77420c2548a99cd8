/**
 * A list mixing greylisted, tarpitted, refused, reset and garbage-speaking servers (in-process,
 * loopback, see test/support/mixed-mx-fleet.ts), with a short greylisting delay and a short
 * retry schedule: the job completes, every address is answered exactly once, the greylisted
 * mailboxes come out deliverable after one retry, every other server gets exactly one retry (no
 * greylisting budget spent on a cause waiting cannot change) and each unknown carries its
 * cause. The results can be read while the job runs, rows waiting for a retry saying so.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAILBOXES, mixedFleet, type Behaviour, type MixedFleet } from '../../support/mixed-mx-fleet.ts';

let fleet: MixedFleet;
const GREYLIST_S = 1;

beforeAll(async () => {
  fleet = await mixedFleet({
    domainsPer: 2,
    greylistS: GREYLIST_S,
    // A generous greylisting budget, so a cause that spent it would show in the counts.
    runner: { pollMs: 50, minRetryDelayMs: 0, retryBudget: 5, brokenRetryDelayMs: 300, busyRetryBaseMs: 300 },
    timeouts: { connectMs: 1000, bannerMs: 400, commandMs: 1000 },
  });
  await fleet.start();
});
afterAll(async () => fleet?.close());

// A reset before the banner is "no banner": the prober may file it as unreachable or broken.
const EXPECTED: Record<Exclude<Behaviour, 'greylist'>, { causes: string[]; reasons: string[] }> = {
  tarpit: { causes: ['broken', 'unreachable'], reasons: ['smtp_timeout'] },
  refuse: { causes: ['unreachable'], reasons: ['smtp_unreachable'] },
  reset: { causes: ['broken', 'unreachable'], reasons: ['server_closing', 'smtp_protocol_error', 'smtp_unreachable'] },
  garbage: { causes: ['broken'], reasons: ['smtp_protocol_error'] },
};

it('completes with every address answered once, one retry for what waiting cannot fix, and each unknown with its cause', async () => {
  const { app, auth, list } = fleet;
  const res = await app.request('/v1/jobs', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(list.map((l) => l.email)) });
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as { id: string };

  // Read the results while the job runs: a greylisted mailbox waits, and its row says until when.
  let sawWaiting = false;
  let status: { status: string; done: number; total: number; waiting_retry: number } = { status: 'queued', done: 0, total: 0, waiting_retry: 0 };
  for (let polls = 0; polls < 2400 && status.status !== 'completed'; polls++) {
    if (!sawWaiting) {
      const rows = (await (await app.request(`/v1/jobs/${id}/results?format=json`, { headers: auth })).json()) as { email: string; state: string; next_retry_at: string | null; verdict: string | null }[];
      const waiting = rows.filter((r) => r.state === 'waiting_retry');
      if (waiting.length > 0) {
        sawWaiting = true;
        expect(rows).toHaveLength(list.length);
        for (const r of waiting) {
          expect(r.verdict).toBeNull();
          expect(Date.parse(r.next_retry_at ?? '')).not.toBeNaN();
        }
      }
    }
    status = (await (await app.request(`/v1/jobs/${id}`, { headers: auth })).json()) as typeof status;
    if (status.status !== 'completed') await new Promise((r) => setTimeout(r, 50));
  }
  expect(status.status).toBe('completed');
  expect(sawWaiting).toBe(true);
  expect(status.done).toBe(list.length);

  const rows = (await (await app.request(`/v1/jobs/${id}/results?format=json`, { headers: auth })).json()) as { email: string; verdict: string; reason: string; state: string; cause: string | null }[];
  expect(rows.map((r) => r.email)).toEqual(list.map((l) => l.email));
  for (const [i, row] of rows.entries()) {
    const { behaviour, email } = list[i]!;
    expect(row.state, email).toBe('done');
    if (behaviour === 'greylist') {
      const exists = MAILBOXES.includes(email.split('@')[0]!);
      expect(`${row.verdict}/${row.reason}`, email).toBe(exists ? 'deliverable/accepted' : 'undeliverable/mailbox_not_found');
    } else {
      expect(row.verdict, email).toBe('unknown');
      expect(EXPECTED[behaviour].reasons, email).toContain(row.reason);
      expect(EXPECTED[behaviour].causes, email).toContain(row.cause);
    }
  }

  // Every claim was answered once: one retry for each address of a broken or unreachable server,
  // none for a final answer; a greylisted mailbox retried at the hinted delay (a second time only
  // if its retry raced the greylister's own clock), never up to the budget.
  const items = await fleet.store.selectFrom('job_items').select(['email', 'attempt', 'retries']).where('job_id', '=', id).execute();
  const byEmail = new Map(items.map((i) => [i.email, i]));
  for (const { email, behaviour } of list) {
    const item = byEmail.get(email)!;
    expect(item.attempt, email).toBe(item.retries + 1);
    if (behaviour !== 'greylist') expect(item.retries, email).toBe(1);
    else if (MAILBOXES.includes(email.split('@')[0]!)) expect([1, 2], `${email} ${item.retries}`).toContain(item.retries);
    else expect(item.retries, email).toBe(0);
  }
  // At the servers: a greylisted mailbox was asked once per try; a broken server was dialed once per try.
  for (const mx of fleet.servers.get('greylist')!) for (const [address, n] of mx.rcpts) if (MAILBOXES.includes(address.split('@')[0]!)) expect(n, address).toBe(byEmail.get(address)!.attempt);
  for (const behaviour of ['tarpit', 'reset', 'garbage'] as const) for (const mx of fleet.servers.get(behaviour)!) expect(mx.connections, behaviour).toBe(2);
}, 120_000);
