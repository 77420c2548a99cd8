import { describe, expect, it } from 'vitest';
import { cidr } from '../../../net/cidr.ts';
import type { ProbeTask } from '../../../protocol/index.ts';
import type { DispatchOutcome } from '../../../edge/dispatch/dispatcher.ts';
import { FakeNetwork } from '../smtp/fake-smtp.ts';
import { runnerFor } from '../smtp/harness.ts';
import type { RunnerOptions } from '../../../edge/jobs/runner-options.ts';
import { jobsHarness, plan } from './jobs-harness.ts';

const MX = '127.0.0.10';

/**
 * A job over the real prober engine and a scripted catch-all behind a greylist, all on the job's
 * fake clock: alice is known to the greylist already, every other recipient (the catch-all
 * probes) is refused with the greylist's hint until that many seconds after it was first seen.
 */
async function greylistedCatchAll(hintS: number, runner: Partial<RunnerOptions>) {
  const firstSeen = new Map<string, number>();
  let probe: ReturnType<typeof runnerFor> | undefined;
  const answer = async (task: ProbeTask): Promise<DispatchOutcome> => ({ ok: true, result: await probe!(task), agent_id: 'agent-0' });
  const h = await jobsHarness({ plans: { 'grey.test': plan('grey.test') }, answer, runner });
  const network = new FakeNetwork({
    [MX]: {
      rcpt: (address) => {
        if (address.startsWith('alice@')) return '250 2.1.5 Ok';
        const seen = firstSeen.get(address) ?? h.clock.now();
        firstSeen.set(address, seen);
        return h.clock.now() < seen + hintS * 1000 ? `450 4.2.0 <${address}>: Recipient address rejected: Greylisted, please try again in ${hintS} seconds` : '250 2.1.5 Ok';
      },
    },
  }, h.clock);
  probe = runnerFor(network, h.clock, { allowNets: [cidr('127.0.0.0/8')] });
  const probes = () => network.commands('RCPT').filter((l) => !l.includes('<alice@'));
  return { h, probes };
}

describe('an accepted address whose catch-all probes were greylisted', () => {
  it("is asked again at the probes' greylist hint, not after the default retry delay", async () => {
    // Production delays: default 5 min, at least 30 s, at most 30 min; the greylist asks for 120 s.
    const { h, probes } = await greylistedCatchAll(120, { minRetryDelayMs: 30_000 });
    const id = await h.create(JSON.stringify(['alice@grey.test']), 'application/json');
    await h.run();
    const start = h.clock.now();
    expect(await h.status(id)).toMatchObject({ status: 'running', waiting_retry: 1, next_retry_at: new Date(start + 120_000).toISOString() });
    await h.advance(119_999);
    expect(h.dispatcher.tasks).toHaveLength(1);
    await h.advance(1);
    expect(h.dispatcher.tasks).toHaveLength(2);
    // The retry sent the same three probes, which passed the greylist: the check closed as catch-all.
    expect(probes()).toHaveLength(6);
    expect(new Set(probes()).size).toBe(3);
    expect(await h.status(id)).toMatchObject({ status: 'completed', done: 1, counts: { risky: 1 } });
    const [row] = JSON.parse(await h.results(id));
    expect(row).toMatchObject({ verdict: 'risky', reason: 'catch_all', catch_all: 'yes' });
  });

  it('is bounded like any other hint: a 5 s greylist is asked again after the shortest retry delay', async () => {
    const { h } = await greylistedCatchAll(5, { minRetryDelayMs: 30_000 });
    const id = await h.create(JSON.stringify(['alice@grey.test']), 'application/json');
    await h.run();
    expect(await h.status(id)).toMatchObject({ waiting_retry: 1, next_retry_at: new Date(h.clock.now() + 30_000).toISOString() });
    await h.advance(29_999);
    expect(h.dispatcher.tasks).toHaveLength(1);
    await h.advance(1);
    expect(await h.status(id)).toMatchObject({ status: 'completed', counts: { risky: 1 } });
  });
});
