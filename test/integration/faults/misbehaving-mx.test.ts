/**
 * An MX that tarpits (accepts, never answers) and one that hangs up after its banner: the
 * job still completes, their addresses end unknown with the server's own fault as the reason,
 * the rest of the job is answered normally, and a broken server gets exactly one retry
 * (counted at the scripted server), not the greylisting budget.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitForJob } from '../../support/job-client.ts';
import { FAULT_MX } from '../../world/world.ts';
import { startRig, type Rig } from './fault-rig.ts';
import { expectEveryRowAccounted } from './job-ledger.ts';
import { startScriptedMx, type ScriptedMx } from './scripted-mx.ts';
import { describeWorld } from '../../support/world-tier.ts';

describeWorld('MX hosts that misbehave, inside a job', () => {
  const BUDGET = 3;
  let rig: Rig;
  let tarpit: ScriptedMx;
  let dropper: ScriptedMx;

  beforeAll(async () => {
    tarpit = await startScriptedMx(FAULT_MX.tarpit.address, 'tarpit');
    dropper = await startScriptedMx(FAULT_MX.dropper.address, 'drop_after_banner');
    rig = await startRig({ BZ_JOB_RETRY_BUDGET: String(BUDGET) });
  });
  afterAll(async () => {
    await rig?.stop();
    await tarpit?.close();
    await dropper?.close();
  });

  const WORLD = new Map([
    ['alice@world.test', 'deliverable'],
    ['nobody@world.test', 'undeliverable'],
    ['alice@nopipe.test', 'deliverable'],
  ]);

  for (const [name, domain, server, reason] of [
    ['tarpits', FAULT_MX.tarpit.domain, () => tarpit, 'smtp_timeout'],
    ['drops every connection after the banner', FAULT_MX.dropper.domain, () => dropper, 'server_closing'],
  ] as const) {
    it(`an MX that ${name}: its addresses end unknown with a reason, nothing else is held up`, async () => {
      const faulty = ['alice', 'bob', 'carol'].map((l) => `${l}@${domain}`);
      const submitted = [...faulty, ...WORLD.keys(), faulty[0]!];
      const id = await rig.client.submit(submitted);
      const final = await waitForJob(rig.client, id, { limitMs: 45_000 });
      expect(final.status, rig.logs()).toBe('completed');
      const got = await expectEveryRowAccounted(rig.client, id, final, submitted, WORLD);
      for (const e of faulty) expect(got.get(e), e).toBe(`unknown/${reason}`);
      for (const [e, v] of WORLD) expect(got.get(e)?.split('/')[0], e).toBe(v);
      // One domain, one task per attempt: one session for the first try and one for the single retry
      // of a broken server, however large the greylisting budget.
      expect(server().connections).toBe(2);
    }, 60_000);
  }
});
