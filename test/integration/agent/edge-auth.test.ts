import { afterEach, describe, expect, it } from 'vitest';
import type { EdgeServer } from '../../../edge/adapters/node-server.ts';
import { deriveAgentKey, signChallenge } from '../../../protocol/agent-auth.ts';
import { CLOSE, MAX_PREAUTH_FRAME_BYTES, PROTOCOL_VERSION } from '../../../protocol/index.ts';
import { EXIT_REVOKED } from '../../../prober/agent/agent.ts';
import { MemoryAgentStore, addAgent, randomHex, task } from '../../unit/dispatch/hub-harness.ts';
import { eventually, rawClient, scriptedRunner, startAgent, startTestEdge } from './edge-harness.ts';

let edge: EdgeServer | undefined;
afterEach(async () => {
  await edge?.close();
  edge = undefined;
});

async function answer(id: string, secret: string, nonce: string) {
  const ts = Date.now();
  const sig = await signChallenge(await deriveAgentKey(secret), nonce, id, ts);
  return { type: 'auth', v: PROTOCOL_VERSION, agent_id: id, ts, sig, capacity: 2, plugins: [], hostname: 'raw' };
}

describe('the edge agent endpoint over real WebSockets', () => {
  it('runs a task on an authenticated agent and reports it on /v1/health', async () => {
    const store = new MemoryAgentStore();
    const secret = randomHex(32);
    await addAgent(store, 'a1', secret);
    edge = await startTestEdge(store);
    const { runner, ran } = scriptedRunner();
    const { agent, exit } = await startAgent(edge, 'a1', secret, runner);
    await eventually(() => edge!.hub.healthyCount() === 1, 'agent ready');
    const health = await (await fetch(`${edge.url}/v1/health`)).json();
    expect(health).toMatchObject({ ok: true, agents: 1 });
    expect(edge.hub.agents()[0]?.observed_address).toBe('127.0.0.1');
    const outcome = await edge.hub.submit(task('t1'));
    expect(outcome).toMatchObject({ ok: true, agent_id: 'a1', result: { task_id: 't1' } });
    expect(ran.map((t) => t.id)).toEqual(['t1']);
    agent.drain();
    expect(await exit).toBe(0);
  });

  it('refuses a wrong secret and a replayed answer; logs carry no secret', async () => {
    const store = new MemoryAgentStore();
    const secret = randomHex(32);
    const logs: string[] = [];
    await addAgent(store, 'a1', secret);
    edge = await startTestEdge(store, {}, logs);

    const wrong = rawClient(edge.agentUrl);
    wrong.send(await answer('a1', randomHex(32), (await wrong.next('challenge')).nonce));
    expect((await wrong.closed).code).toBe(CLOSE.authFailed);

    const good = rawClient(edge.agentUrl);
    const recorded = await answer('a1', secret, (await good.next('challenge')).nonce);
    good.send(recorded);
    await good.next('ready');
    const replay = rawClient(edge.agentUrl);
    await replay.next('challenge');
    replay.send(recorded);
    expect((await replay.closed).code).toBe(CLOSE.authFailed);
    good.ws.close();

    const text = logs.join('\n');
    expect(text).not.toContain(secret);
    expect(text).not.toContain(recorded.sig);
    expect(text).toContain('bad_signature');
  });

  it('closes on an oversized frame, a schema-breaking frame, and silence past the auth timeout', async () => {
    edge = await startTestEdge(new MemoryAgentStore());
    const big = rawClient(edge.agentUrl);
    await big.next('challenge');
    big.send({ type: 'hello', v: PROTOCOL_VERSION, agent_id: 'x', software: 'y'.repeat(MAX_PREAUTH_FRAME_BYTES) });
    expect(await big.closed).toMatchObject({ code: CLOSE.frameTooLarge, reason: 'frame_too_large' });

    const broken = rawClient(edge.agentUrl);
    await broken.next('challenge');
    broken.send({ type: 'auth', v: PROTOCOL_VERSION, agent_id: 'x', ts: 'soon' });
    expect((await broken.closed).code).toBe(CLOSE.badFrame);

    const silent = rawClient(edge.agentUrl);
    await silent.next('challenge');
    expect(await silent.closed).toMatchObject({ code: CLOSE.authTimeout, reason: 'auth_timeout' });
  });

  it('disconnects a revoked agent at the next store poll and refuses it afterwards', async () => {
    const store = new MemoryAgentStore();
    const secret = randomHex(32);
    await addAgent(store, 'a1', secret);
    edge = await startTestEdge(store);
    const { exit, logs } = await startAgent(edge, 'a1', secret, scriptedRunner().runner);
    await eventually(() => edge!.hub.healthyCount() === 1, 'agent ready');
    await store.revoke('name-a1', Date.now());
    expect(await exit).toBe(EXIT_REVOKED);
    expect(edge.hub.agents()).toEqual([]);
    expect(logs.some((l) => l.includes(`"code":${CLOSE.revoked}`))).toBe(true);

    const again = rawClient(edge.agentUrl);
    again.send(await answer('a1', secret, (await again.next('challenge')).nonce));
    expect((await again.closed).code).toBe(CLOSE.revoked);
  });
});
