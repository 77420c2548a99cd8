import { describe, expect, it } from 'vitest';
import type { DispatchOutcome } from '../../../edge/dispatch/dispatcher.ts';
import type { ProbeTask } from '../../../protocol/index.ts';
import { jobsHarness, plan, probeAnswer } from './jobs-harness.ts';

const domains = ['d0.test', 'd1.test', 'd2.test', 'd3.test'];
const plans = Object.fromEntries(domains.map((d) => [d, plan(d)]));
const list = domains.flatMap((d) => Array.from({ length: 5 }, (_, i) => `u${i}@${d}`));
const accepted = probeAnswer({ outcome: 'accepted', reason: 'accepted' });

/** A prober whose answers wait until the test lets each task go; `arrived(n)` resolves once n tasks came. */
function heldProber() {
  const held: { task: ProbeTask; release: () => void }[] = [];
  const waiting: { n: number; resolve: () => void }[] = [];
  const answer = (task: ProbeTask) =>
    new Promise<DispatchOutcome>((resolve) => {
      held.push({ task, release: () => resolve(accepted(task) as DispatchOutcome) });
      for (const w of waiting.filter((w) => held.length >= w.n)) w.resolve();
    });
  const arrived = (n: number) => (held.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ n, resolve })));
  return { held, answer, arrived };
}

/**
 * "No idle gaps" (issue 16, item 3), by events on a fake clock that never moves, so no timer of
 * the runner can ever fire: each task reaching the prober must follow from the upload or from
 * an answer. A runner that waited on a poll interval would never get there (the test times out).
 */
describe('the job runner has no idle gaps', () => {
  it('an upload reaches the prober with no timer fired and the clock where it was', async () => {
    const prober = heldProber();
    const h = await jobsHarness({ plans, answer: prober.answer });
    await h.run();
    const before = h.clock.now();
    const id = await h.create(JSON.stringify(list), 'application/json');
    await prober.arrived(domains.length);
    for (const { release } of prober.held) release();
    await h.runner.idle();
    expect(await h.status(id)).toMatchObject({ status: 'completed', done: 20 });
    expect(h.clock.now()).toBe(before);
  });

  it('when a batch comes back while work is due, the next claim follows at once, not at the next poll', async () => {
    const prober = heldProber();
    // Room for one domain's five items at a time: every further claim must follow an answer.
    const h = await jobsHarness({ plans, answer: prober.answer, runner: { claimSize: 5, maxInFlight: 5, taskSize: 5, minTaskSize: 5 } });
    await h.run();
    const before = h.clock.now();
    const id = await h.create(JSON.stringify(list), 'application/json');
    for (let batch = 1; batch <= domains.length; batch++) {
      await prober.arrived(batch);
      // At capacity: the next task waits for this answer.
      expect(h.dispatcher.tasks).toHaveLength(batch);
      prober.held[batch - 1]!.release();
    }
    await h.runner.idle();
    expect(h.dispatcher.tasks.map((t) => [t.domain, t.addresses.length])).toEqual(domains.map((d) => [d, 5]));
    expect(await h.status(id)).toMatchObject({ status: 'completed', done: 20 });
    expect(h.clock.now()).toBe(before);
  });
});
