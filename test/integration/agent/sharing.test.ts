import { afterAll, describe, expect, it } from 'vitest';
import type { EdgeServer } from '../../../edge/adapters/node-server.ts';
import { MemoryAgentStore, addAgent, randomHex, task } from '../../unit/dispatch/hub-harness.ts';
import { eventually, scriptedRunner, startAgent, startTestEdge } from './edge-harness.ts';

let edge: EdgeServer | undefined;
afterAll(async () => edge?.close());

describe('two agents over real WebSockets', () => {
  it('share 1,000 tasks in proportion to their capacities (10 and 30), each applied once', async () => {
    const store = new MemoryAgentStore();
    const secret = randomHex(32);
    await addAgent(store, 'small', secret);
    await addAgent(store, 'large', secret);
    edge = await startTestEdge(store);
    const small = scriptedRunner();
    const large = scriptedRunner();
    const agents = [await startAgent(edge, 'small', secret, small.runner, { capacity: 10 }), await startAgent(edge, 'large', secret, large.runner, { capacity: 30 })];
    await eventually(() => edge!.hub.healthyCount() === 2, 'both agents ready');

    let peak = { small: 0, large: 0 };
    const sample = () => {
      for (const a of edge!.hub.agents()) peak = { ...peak, [a.id]: Math.max(peak[a.id as 'small'], a.in_flight) };
    };
    const tasks = Array.from({ length: 1_000 }, (_, i) => task(`t${i}`, `bulk-${i}.test`));
    const outcomes = await Promise.all(
      tasks.map((t) =>
        edge!.hub.submit(t).then((o) => {
          sample();
          return o;
        }),
      ),
    );

    const by = { small: 0, large: 0 };
    for (const o of outcomes) {
      expect(o.ok).toBe(true);
      if (o.ok) by[o.agent_id as 'small']++;
    }
    const share = by.large / 1_000;
    console.log(`tasks per agent: small(10)=${by.small} large(30)=${by.large}; share of large ${share.toFixed(3)} (ideal 0.75); peak in flight`, peak);
    expect(by.small + by.large).toBe(1_000);
    expect(small.ran.length + large.ran.length).toBe(1_000); // none ran twice
    expect(share).toBeGreaterThan(0.6);
    expect(share).toBeLessThan(0.9);
    expect(peak.small).toBeLessThanOrEqual(10);
    expect(peak.large).toBeLessThanOrEqual(30);
    expect(edge.hub.metrics()).toMatchObject({ tasks_dispatched: 1_000, tasks_redispatched: 0, duplicate_results_dropped: 0 });
    for (const a of agents) a.agent.drain();
    expect(await Promise.all(agents.map((a) => a.exit))).toEqual([0, 0]);
  });
});
