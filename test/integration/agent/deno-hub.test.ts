import { describe, expect, it } from 'vitest';
import { runDeno } from '../../support/run-deno.ts';

/**
 * The agent hub must run on any Web-standard runtime: the handshake (Web Crypto Ed25519), routing
 * and results, driven on Deno through an in-memory socket.
 */
const SCRIPT = `
import { createAgentHub } from './edge/dispatch/agent-hub.ts';
import { agentPublicKey, deriveAgentKey, signChallenge } from './protocol/agent-auth.ts';
const key = await deriveAgentKey('ab'.repeat(32));
const row = { id: 'a1', name: 'deno', public_key: await agentPublicKey(key), created_at: 0, revoked_at: null };
const store = { create: async () => {}, findById: async (id) => (id === 'a1' ? row : undefined), findByName: async () => row, revoke: async () => false, list: async () => [row], heldOff: async () => new Map(), keepHeldOff: async () => {} };
const hub = createAgentHub({ store, log: () => {} });
let deliver = () => {};
const got = [];
let arrived = () => {};
hub.accept({
  remoteAddress: '127.0.0.1',
  send: (text) => { got.push(JSON.parse(text)); arrived(); },
  close: (code) => got.push({ type: 'closed', code }),
  onMessage: (listener) => (deliver = (frame) => listener(JSON.stringify(frame))),
  onClose: () => {},
});
const next = async (type) => { while (!got.some((f) => f.type === type)) await new Promise((r) => (arrived = r)); return got.find((f) => f.type === type); };
const { nonce } = await next('challenge');
const ts = Date.now();
deliver({ type: 'auth', v: 1, agent_id: 'a1', ts, sig: await signChallenge(key, nonce, 'a1', ts), capacity: 2, plugins: [], hostname: 'deno' });
const ready = await next('ready');
const plan = { domain: 'd.test', rule: 'mx', hosts: [], ttl: 0, records: [], cnames: [] };
const outcome = hub.submit({ id: 't1', domain: 'd.test', plan, addresses: [{ id: 'i1', address: 'a@d.test', smtputf8: false }], deadline_ms: 1000, catch_all: false, fresh: false });
const { task } = await next('task');
const result = { task_id: task.id, domain: task.domain, results: [], catch_all: { status: 'unknown', cached: false }, stats: { connections: 0, commands: 0, round_trips: 0 } };
deliver({ type: 'result', v: 1, result });
deliver({ type: 'result', v: 1, result });
const done = await outcome;
await new Promise((r) => setTimeout(r, 10));
console.log(JSON.stringify({ ready: ready.observed_address, outcome: [done.ok, done.agent_id], metrics: hub.metrics() }));
hub.close();
`;

describe('agent hub on Deno', () => {
  it('authenticates, routes a task and drops a duplicate result', async () => {
    const { code, stdout, stderr } = await runDeno(SCRIPT);
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      ready: '127.0.0.1',
      outcome: [true, 'a1'],
      metrics: { tasks_dispatched: 1, duplicate_results_dropped: 1, agents_connected: 1 },
    });
  });
});
