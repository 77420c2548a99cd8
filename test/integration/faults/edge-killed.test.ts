/**
 * The edge process is SIGKILLed mid-job and started again on the same SQLite file and port,
 * while a separate prober process keeps running: the prober reconnects by itself, results it
 * finished while the edge was down go out after reconnecting, and the job completes with every
 * address answered once. (test/integration/jobs/edge-sigkill.test.ts covers the same crash for
 * `bouncezero start`, where the prober dies with the edge.)
 */
import { createServer } from 'node:net';
import { afterAll, expect } from 'vitest';
import { startEdge } from '../../support/bouncezero-processes.ts';
import { waitForJob } from '../../support/job-client.ts';
import { startRig, type Rig } from './fault-rig.ts';
import { expectEveryRowAccounted, submitAndWaitMidway } from './job-ledger.ts';
import { itWorld } from '../../support/world-tier.ts';

let rig: Rig | undefined;
afterAll(async () => {
  await rig?.stop();
});

/** A port free right now, so the restarted edge can take the one the prober dials. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

itWorld('an edge SIGKILLed mid-job and restarted: the running prober reconnects, every address answered once', async () => {
  // One task in flight at a time keeps the job running long enough to be cut.
  rig = await startRig({ BZ_PORT: String(await freePort()), BZ_JOB_MAX_IN_FLIGHT: '5', BZ_JOB_CLAIM_SIZE: '5' });
  const { expected, submitted, id } = await submitAndWaitMidway(rig.client, 300, rig.logs);
  const cut = await rig.client.status(id);
  await rig.edge.kill('SIGKILL');
  expect(cut.done, 'the kill came too late to matter').toBeLessThan(cut.total);
  rig.edge = await startEdge(rig.env);
  const final = await waitForJob(rig.client, id, { limitMs: 45_000 });
  expect(final.status, rig.logs()).toBe('completed');
  const got = await expectEveryRowAccounted(rig.client, id, final, submitted, expected);
  for (const [email, verdict] of expected) expect(got.get(email)?.split('/')[0], email).toBe(verdict);
  expect(rig.probers[0]!.child.exitCode, 'the prober rode through the crash').toBeNull();
}, 60_000);
