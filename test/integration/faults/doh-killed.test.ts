/**
 * The DoH endpoint dies in the middle of a job (a forwarder in front of the world's dnsdist,
 * killed as soon as the job's first lookup reaches it): domains the edge resolved before (a
 * first job warmed its DNS cache) are answered normally, the rest end unknown with a DNS
 * reason, and every row is accounted for exactly once.
 */
import { afterAll, expect } from 'vitest';
import { waitForJob } from '../../support/job-client.ts';
import { bulkDomain, bulkMailbox } from '../../world/world.ts';
import { startDohForwarder, type DohForwarder } from './doh-forwarder.ts';
import { startRig, type Rig } from './fault-rig.ts';
import { expectEveryRowAccounted, until } from './job-ledger.ts';
import { itWorld } from '../../support/world-tier.ts';

let rig: Rig | undefined;
let doh: DohForwarder | undefined;
afterAll(async () => {
  await rig?.stop();
  await doh?.kill();
});

itWorld('a DoH endpoint killed mid-job: answers before, unknown with a reason after, nothing lost or doubled', async () => {
  doh = await startDohForwarder(20);
  rig = await startRig({ BZ_DOH: doh.url });
  const warm = [0, 1, 2, 3, 4].map((d) => `${bulkMailbox(0)}@${bulkDomain(100 + d)}`);
  const warmId = await rig.client.submit(warm);
  expect((await waitForJob(rig.client, warmId, { limitMs: 20_000 })).counts.deliverable, rig.logs()).toBe(warm.length);
  const before = doh.requests;
  const expected = new Map<string, string>();
  for (let d = 100; d < 130; d++) {
    expected.set(`${bulkMailbox(1)}@${bulkDomain(d)}`, 'deliverable');
    expected.set(`${bulkMailbox(2)}@${bulkDomain(d)}`, 'deliverable');
    expected.set(`missing@${bulkDomain(d)}`, 'undeliverable');
  }
  const submitted = [...expected.keys()];
  const id = await rig.client.submit(submitted);
  await until(async () => (doh!.requests > before ? true : undefined), 'the job\'s first DoH lookup', 20_000, rig.logs);
  await doh.kill();
  const final = await waitForJob(rig.client, id, { limitMs: 45_000 });
  expect(final.status, rig.logs()).toBe('completed');
  const got = await expectEveryRowAccounted(rig.client, id, final, submitted, expected);
  const lost = [...got.values()].filter((v) => v.startsWith('unknown/'));
  for (const d of [100, 101, 102, 103, 104]) expect(got.get(`missing@${bulkDomain(d)}`)).toBe('undeliverable/mailbox_not_found');
  expect(lost.length, JSON.stringify([...got])).toBeGreaterThan(0);
  for (const v of lost) expect(v).toMatch(/^unknown\/dns_/);
}, 60_000);
