import { describe, expect, it } from 'vitest';
import { createAgentHub } from '../../../edge/dispatch/agent-hub.ts';
import { HMAC_RETIRED } from '../../../edge/dispatch/agent-handshake.ts';
import { deriveAgentKey } from '../../../protocol/agent-auth.ts';
import { CLOSE, MAX_PREAUTH_FRAME_BYTES, PROTOCOL_VERSION } from '../../../protocol/index.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { MemoryAgentStore, SECRET, addAgent, authFrame, connect, socketPair, until } from './hub-harness.ts';

function setup() {
  const clock = new FakeClock();
  const store = new MemoryAgentStore();
  const logs: string[] = [];
  const hub = createAgentHub({ store, clock, heartbeatMs: 1_000, authTimeoutMs: 5_000, revocationPollMs: 2_000, log: (e, f) => logs.push(JSON.stringify({ e, ...f })) });
  return { clock, store, hub, logs };
}

describe('agent authentication', () => {
  it('accepts the right answer and says where it sees the agent from', async () => {
    const { clock, store, hub } = setup();
    await addAgent(store, 'a1');
    const peer = await connect(hub, clock, 'a1', { capacity: 3 });
    await until(() => peer.of('ready').length > 0);
    expect(peer.of('ready')[0]).toMatchObject({ observed_address: '127.0.0.9', heartbeat_ms: 1_000 });
    expect(hub.agents()).toMatchObject([{ id: 'a1', capacity: 3, healthy: true, port25: null }]);
    expect(hub.healthyCount()).toBe(1);
  });

  it('closes a socket still in its handshake when it closes, as it closes the agents', async () => {
    const { clock, store, hub } = setup();
    await addAgent(store, 'a1');
    const agent = await connect(hub, clock, 'a1');
    await until(() => agent.of('ready').length > 0);
    const { socket, peer } = socketPair();
    hub.accept(socket);
    expect(peer.of('challenge')).toHaveLength(1);
    hub.close();
    expect([agent.closed, peer.closed]).toEqual([{ code: 1001, reason: 'shutting_down' }, { code: 1001, reason: 'shutting_down' }]);
  });

  it('refuses a wrong secret, and logs no secret, key or MAC', async () => {
    const { clock, store, hub, logs } = setup();
    const key = await addAgent(store, 'a1');
    const peer = await connect(hub, clock, 'a1', { secret: 'cd'.repeat(32) });
    await until(() => peer.closed !== undefined);
    expect(peer.closed?.code).toBe(CLOSE.authFailed);
    expect(peer.of('ready')).toEqual([]);
    const text = logs.join('\n');
    expect(text).toContain('bad_signature');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(key);
    expect(text).not.toMatch(/[0-9a-f]{64}/);
  });

  it('tells a prober from before Ed25519 (an HMAC answer) to update, and lets nobody in with the stored public key as a secret', async () => {
    const { clock, store, hub, logs } = setup();
    await addAgent(store, 'a1');
    const { socket, peer } = socketPair();
    hub.accept(socket);
    const ts = clock.now();
    peer.send({ type: 'auth', v: PROTOCOL_VERSION, agent_id: 'a1', ts, mac: 'ab'.repeat(32), capacity: 1, plugins: [], hostname: 'old' });
    await until(() => peer.closed !== undefined);
    expect(peer.closed).toEqual({ code: CLOSE.authFailed, reason: HMAC_RETIRED });
    expect(logs.join('\n')).toContain('hmac_answer');
    // What a leaked database holds is the public key: used as K it signs nothing the edge accepts.
    const leaked = store.rows.get('a1')!.public_key;
    const thief = socketPair();
    hub.accept(thief.socket);
    thief.peer.send(await authFrame(leaked, thief.peer.of('challenge')[0]!.nonce, 'a1', clock.now()));
    await until(() => thief.peer.closed !== undefined);
    expect(thief.peer.closed?.code).toBe(CLOSE.authFailed);
  });

  it('refuses an unknown agent id the same way', async () => {
    const { clock, hub } = setup();
    const peer = await connect(hub, clock, 'nobody');
    await until(() => peer.closed !== undefined);
    expect(peer.closed?.code).toBe(CLOSE.authFailed);
  });

  it('refuses a stale timestamp (outside ±60 s of the edge clock)', async () => {
    const { clock, store, hub } = setup();
    await addAgent(store, 'a1');
    const old = await connect(hub, clock, 'a1', { ts: clock.now() - 61_000 });
    const future = await connect(hub, clock, 'a1', { ts: clock.now() + 61_000 });
    await until(() => old.closed !== undefined && future.closed !== undefined);
    expect([old.closed?.code, future.closed?.code]).toEqual([CLOSE.authFailed, CLOSE.authFailed]);
  });

  it('refuses a recorded answer replayed on another connection', async () => {
    const { clock, store, hub } = setup();
    await addAgent(store, 'a1');
    const first = socketPair();
    hub.accept(first.socket);
    const answer = await authFrame(await deriveAgentKey(SECRET), first.peer.of('challenge')[0]!.nonce, 'a1', clock.now());
    first.peer.send(answer);
    await until(() => first.peer.of('ready').length > 0);

    const second = socketPair();
    hub.accept(second.socket);
    expect(second.peer.of('challenge')[0]!.nonce).not.toBe(first.peer.of('challenge')[0]!.nonce);
    second.peer.send(answer);
    await until(() => second.peer.closed !== undefined);
    expect(second.peer.closed?.code).toBe(CLOSE.authFailed);
    // the same answer again on the first, already authenticated connection is a protocol error
    first.peer.send(answer);
    await until(() => first.peer.closed !== undefined);
    expect(first.peer.closed?.code).toBe(CLOSE.badFrame);
  });

  it('refuses a revoked agent even with the right answer', async () => {
    const { clock, store, hub } = setup();
    await addAgent(store, 'a1');
    await store.revoke('name-a1', 1);
    const peer = await connect(hub, clock, 'a1');
    await until(() => peer.closed !== undefined);
    expect(peer.closed?.code).toBe(CLOSE.revoked);
  });

  it('drops a socket that says nothing when the auth timeout ends', async () => {
    const { clock, hub } = setup();
    const { socket, peer } = socketPair();
    hub.accept(socket);
    await clock.advance(4_999);
    expect(peer.closed).toBeUndefined();
    await clock.advance(1);
    expect(peer.closed?.code).toBe(CLOSE.authTimeout);
  });

  it('caps frames before authentication at MAX_PREAUTH_FRAME_BYTES', async () => {
    const { hub } = setup();
    const { socket, peer } = socketPair();
    hub.accept(socket);
    peer.send({ type: 'hello', v: PROTOCOL_VERSION, agent_id: 'a1', software: 'x'.repeat(MAX_PREAUTH_FRAME_BYTES) });
    await until(() => peer.closed !== undefined);
    expect(peer.closed?.code).toBe(CLOSE.frameTooLarge);
  });

  it('closes on a frame that breaks its schema, on binary, and on a task sent by an agent', async () => {
    const { hub } = setup();
    const cases: [unknown, number][] = [
      [JSON.stringify({ type: 'auth', v: PROTOCOL_VERSION, agent_id: 'a1' }), CLOSE.badFrame],
      ['{not json', CLOSE.badFrame],
      [JSON.stringify({ type: 'hello', v: 99, agent_id: 'a1', software: '' }), CLOSE.versionMismatch],
      [new Uint8Array([1, 2, 3]), CLOSE.badFrame],
      [JSON.stringify({ type: 'drain', v: PROTOCOL_VERSION }), CLOSE.badFrame],
    ];
    for (const [data, code] of cases) {
      const { socket, peer } = socketPair();
      hub.accept(socket);
      peer.sendRaw(data as string);
      await until(() => peer.closed !== undefined);
      expect(peer.closed?.code).toBe(code);
    }
  });

  it('disconnects an agent revoked in the store at the next poll, and a second connection replaces the first', async () => {
    const { clock, store, hub } = setup();
    await addAgent(store, 'a1');
    const first = await connect(hub, clock, 'a1');
    const second = await connect(hub, clock, 'a1');
    await until(() => second.of('ready').length > 0);
    expect(first.closed?.code).toBe(CLOSE.replaced);
    await store.revoke('name-a1', clock.now());
    await clock.advance(2_000);
    await until(() => second.closed !== undefined);
    expect(second.closed?.code).toBe(CLOSE.revoked);
    expect(hub.agents()).toEqual([]);
  });
});
