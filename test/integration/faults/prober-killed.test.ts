/**
 * The only prober is SIGKILLed in the middle of a job and a second prober (another agent)
 * connects: the edge hands the lost tasks to it and the job completes with every address
 * answered as the world says, each row once. The hub-level version of this (tasks requeued
 * on a dropped agent, no result applied twice) is test/integration/agent/prober-process.test.ts;
 * this one goes through the job runner and its store.
 */
import { afterAll, expect } from 'vitest';
import { startProber } from '../../support/bouncezero-processes.ts';
import { waitForJob } from '../../support/job-client.ts';
import { startRig, type Rig } from './fault-rig.ts';
import { expectEveryRowAccounted, submitAndWaitMidway } from './job-ledger.ts';
import { itWorld } from '../../support/world-tier.ts';

let rig: Rig | undefined;
afterAll(async () => {
  await rig?.stop();
});

itWorld('a prober SIGKILLed mid-job: a second prober takes over, every address answered once', async () => {
  // One task in flight at a time keeps the job running long enough to be cut.
  rig = await startRig({ BZ_JOB_MAX_IN_FLIGHT: '5', BZ_JOB_CLAIM_SIZE: '5' }, 2);
  const { expected, submitted, id, midway } = await submitAndWaitMidway(rig.client, 200, rig.logs);
  await rig.probers[0]!.kill('SIGKILL');
  const cut = await rig.client.status(id);
  expect(midway.done).toBeLessThan(midway.total);
  expect(cut.done, 'the kill came too late to matter').toBeLessThan(cut.total);
  rig.probers.push(startProber(rig.env, rig.edge.agentUrl, rig.agents[1]!));
  const final = await waitForJob(rig.client, id, { limitMs: 45_000 });
  expect(final.status, rig.logs()).toBe('completed');
  const got = await expectEveryRowAccounted(rig.client, id, final, submitted, expected);
  for (const [email, verdict] of expected) expect(got.get(email)?.split('/')[0], email).toBe(verdict);
}, 60_000);
