import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEdgeServer, type EdgeServer } from '../../../edge/adapters/node-server.ts';
import { ReacherResponse } from '../../../edge/api/reacher/reacher-schema.ts';
import { loadConfig } from '../../../edge/config.ts';
import { loadProberSettings } from '../../../prober/settings.ts';
import { enrollAgent } from '../../../edge/dispatch/agent-enrollment.ts';
import { deriveAgentKey } from '../../../protocol/agent-auth.ts';
import { nodeAgent } from '../../../cli/commands/prober.ts';
import type { Agent } from '../../../prober/agent/agent.ts';
import { systemClock, systemRandom, VerificationResult } from '../../../protocol/index.ts';
import { EXPECTATIONS } from '../../world/world.ts';
import { worldEnv } from '../../support/bouncezero-processes.ts';
import { eventually } from '../agent/edge-harness.ts';
import { describeWorld } from '../../support/world-tier.ts';

/**
 * POST /v1/verify end to end: the Node edge, a real prober over the agent protocol, the
 * world's DoH and Postfix listeners. A single call does not wait out greylisting, so grey.test
 * answers unknown / greylisted with the server's hint; every other address must get the
 * verdict and reason world.ts expects.
 */
const KEY = 'world-key-0123456789abcdefghijklmnopq';
let server: EdgeServer;
let agent: Agent;
let agentExit: Promise<number>;

async function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function verify(email: string): Promise<VerificationResult> {
  const res = await post('/v1/verify', { email });
  expect(res.status).toBe(200);
  return VerificationResult.parse(await res.json());
}

describeWorld('POST /v1/verify against the test world', () => {
  beforeAll(async () => {
    const env = worldEnv(':memory:', {
      BZ_API_KEY: KEY,
      // A sender never used before: postgrey greylists per (client, sender, recipient), so no
      // earlier run can have passed this triplet's wait already.
      BZ_MAIL_FROM: `verify-${systemClock.now().toString(36)}@prober.world.test`,
    });
    const loaded = loadConfig(env);
    const prober = loadProberSettings(env);
    if (!prober.ok) throw new Error(prober.error);
    if (!loaded.ok) throw new Error(loaded.error);
    server = await startEdgeServer({ config: loaded.config });
    const made = await enrollAgent(server.agentStore, 'api-world', { clock: systemClock, random: systemRandom });
    if (!made.ok) throw new Error(made.error);
    const record = await server.agentStore.findById(made.id);
    if (!record) throw new Error('enrolled agent not found');
    agent = await nodeAgent({ config: prober.settings, edgeUrl: server.agentUrl, agentId: record.id, key: await deriveAgentKey(made.secret), capacity: 4 });
    agentExit = agent.run();
    await eventually(() => server.hub.healthyCount() === 1, 'the prober to be ready');
  });

  afterAll(async () => {
    agent?.drain();
    await agentExit;
    await server?.close();
  });

  for (const e of EXPECTATIONS.filter((x) => !x.email.endsWith('@grey.test'))) {
    it(`${e.email} → ${e.verdict} / ${e.reason}`, async () => {
      const r = await verify(e.email);
      expect({ verdict: r.verdict, reason: r.reason }).toEqual({ verdict: e.verdict, reason: e.reason });
    });
  }

  it('answers a greylisted address at once as unknown / greylisted, with the retry hint', async () => {
    const r = await verify('bob@grey.test');
    expect(r).toMatchObject({ verdict: 'unknown', reason: 'greylisted' });
    expect(r.checks.smtp?.retry_after_s).toBeGreaterThan(0);
  });

  it('answers a repeated address from the cache without another SMTP session', async () => {
    await verify('carol@world.test');
    const before = await (await fetch(`${server.url}/metrics`)).text();
    const again = await verify('carol@world.test');
    const after = await (await fetch(`${server.url}/metrics`)).text();
    const sessions = (text: string) => Number(/^bouncezero_smtp_sessions_total (\d+)$/m.exec(text)?.[1]);
    expect(again.cached).toBe(true);
    expect(sessions(before)).toBeGreaterThan(0);
    expect(sessions(after)).toBe(sessions(before));
  });

  it("answers Reacher's call in Reacher's shape", async () => {
    const res = await post('/v0/check_email', { to_email: 'anything@catchall.test' });
    const r = ReacherResponse.strict().parse(await res.json());
    expect(r).toMatchObject({ is_reachable: 'risky', mx: { accepts_mail: true, records: ['mx.catchall.test.'] }, smtp: { is_catch_all: true, can_connect_smtp: true } });
  });
});
