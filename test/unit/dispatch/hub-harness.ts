import { agentPublicKey, deriveAgentKey, signChallenge } from '../../../protocol/agent-auth.ts';
import { toHex } from '../../../protocol/hex.ts';
import { PROTOCOL_VERSION, type Frame, type ProbeResult, type ProbeTask } from '../../../protocol/index.ts';
import type { AgentSocket } from '../../../edge/dispatch/agent-socket.ts';
import type { AgentRecord, AgentStore } from '../../../edge/dispatch/agent-store.ts';
import type { AgentHub } from '../../../edge/dispatch/agent-hub.ts';
import type { FakeClock } from '../../support/fake-clock.ts';

/** The store as a Map: the hub's only view of storage is the AgentStore interface. */
export class MemoryAgentStore implements AgentStore {
  readonly rows = new Map<string, AgentRecord>();
  async create(record: AgentRecord) {
    this.rows.set(record.id, { ...record });
  }
  async findById(id: string) {
    return this.rows.get(id);
  }
  async findByName(name: string) {
    return [...this.rows.values()].find((r) => r.name === name);
  }
  async revoke(name: string, at: number) {
    const row = await this.findByName(name);
    if (!row || row.revoked_at !== null) return false;
    row.revoked_at = at;
    return true;
  }
  async list() {
    return [...this.rows.values()];
  }
  /** agent id → provider → until, as the store's agent_held_off table. */
  readonly held = new Map<string, Map<string, number>>();
  async heldOff(agentId: string, now: number) {
    return new Map([...(this.held.get(agentId) ?? [])].filter(([, until]) => until > now));
  }
  async keepHeldOff(agentId: string, provider: string, until: number, now: number, max: number) {
    const held = this.held.get(agentId) ?? new Map<string, number>();
    held.set(provider, until);
    const kept = [...held].filter(([, end]) => end > now).sort((a, b) => b[1] - a[1]).slice(0, max);
    this.held.set(agentId, new Map(kept));
  }
}

/** The agent's end of an in-memory socket: what the hub sent it, and how it answers. */
export class PeerEnd {
  readonly frames: Frame[] = [];
  closed: { code: number; reason: string } | undefined;
  deliver: (data: string | Uint8Array) => void = () => {};
  hangUp: () => void = () => {};

  send(frame: unknown): void {
    this.sendRaw(JSON.stringify(frame));
  }
  sendRaw(data: string | Uint8Array): void {
    if (!this.closed) this.deliver(data);
  }
  /** The agent closes, or the network drops it. */
  disconnect(): void {
    if (this.closed) return;
    this.closed = { code: 1006, reason: 'gone' };
    this.hangUp();
  }
  of<T extends Frame['type']>(type: T): Extract<Frame, { type: T }>[] {
    return this.frames.filter((f): f is Extract<Frame, { type: T }> => f.type === type);
  }
  tasks(): ProbeTask[] {
    return this.of('task').map((f) => f.task);
  }
  answer(task: ProbeTask): void {
    this.send({ type: 'result', v: PROTOCOL_VERSION, result: resultFor(task) });
  }
}

/** A socket pair: the hub's end implements AgentSocket, the test drives the other end. */
export function socketPair(remoteAddress = '127.0.0.9'): { socket: AgentSocket; peer: PeerEnd } {
  const peer = new PeerEnd();
  const closers: (() => void)[] = [];
  let closed = false;
  const fireClose = () => {
    if (closed) return;
    closed = true;
    for (const fn of closers) fn();
  };
  peer.hangUp = fireClose;
  const socket: AgentSocket = {
    remoteAddress,
    send(text) {
      if (!closed) peer.frames.push(JSON.parse(text));
    },
    close(code, reason) {
      if (closed) return;
      peer.closed = { code, reason };
      fireClose();
    },
    onMessage(listener) {
      peer.deliver = (data) => queueMicrotask(() => !closed && listener(data));
    },
    onClose(listener) {
      closers.push(listener);
    },
  };
  return { socket, peer };
}

export const SECRET = 'ab'.repeat(32);

export async function addAgent(store: AgentStore, id: string, secret = SECRET): Promise<string> {
  const key = await deriveAgentKey(secret);
  await store.create({ id, name: `name-${id}`, public_key: await agentPublicKey(key), created_at: 0, revoked_at: null });
  return key;
}

/** Connects and authenticates an agent; returns its end once `ready` arrived (or it was closed). */
export async function connect(
  hub: AgentHub,
  clock: FakeClock,
  id: string,
  options: { secret?: string; capacity?: number; ts?: number } = {},
): Promise<PeerEnd> {
  const { socket, peer } = socketPair();
  hub.accept(socket);
  const challenge = peer.of('challenge')[0]!;
  const key = await deriveAgentKey(options.secret ?? SECRET);
  const ts = options.ts ?? clock.now();
  peer.send({ type: 'hello', v: PROTOCOL_VERSION, agent_id: id, software: 'test' });
  peer.send(await authFrame(key, challenge.nonce, id, ts, options.capacity ?? 4));
  await clock.advance(0);
  await clock.advance(0);
  return peer;
}

export async function authFrame(key: string, nonce: string, id: string, ts: number, capacity = 4) {
  const sig = await signChallenge(key, nonce, id, ts);
  return { type: 'auth', v: PROTOCOL_VERSION, agent_id: id, ts, sig, capacity, plugins: [], hostname: 'test-host' };
}

/** Each domain its own mail server unless `mxAddress` says they share one (routing follows the server). */
const serverOf = new Map<string, string>();
function ownAddress(domain: string): string {
  const known = serverOf.get(domain);
  if (known) return known;
  const n = serverOf.size + 1;
  const address = `198.51.${Math.floor(n / 250)}.${(n % 250) + 1}`;
  serverOf.set(domain, address);
  return address;
}

export function task(id: string, domain = `d-${id}.test`, mxAddress = ownAddress(domain)): ProbeTask {
  return {
    id,
    domain,
    plan: { domain, rule: 'mx', hosts: [{ host: `mx.${domain}`, preference: 10, addresses: [mxAddress], refused: [] }], ttl: 60, records: [], cnames: [] },
    addresses: [{ id: `${id}-1`, address: `alice@${domain}`, smtputf8: false }],
    deadline_ms: 10_000,
    catch_all: true,
    fresh: false,
  };
}

export function resultFor(t: ProbeTask): ProbeResult {
  return { task_id: t.id, domain: t.domain, results: [], catch_all: { status: 'unknown', cached: false }, stats: { connections: 0, commands: 0, round_trips: 0 } };
}

export const randomHex = (n: number) => toHex(crypto.getRandomValues(new Uint8Array(n)));

/** Lets `n` turns of queued callbacks run: for a step that must be processed before the next is sent. */
export async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}

/**
 * Lets queued callbacks and Web Crypto's thread-pool work finish until `condition` holds. Bounded by
 * a generous patience, not a count of turns: on a loaded machine the thread pool can take longer
 * than thousands of turns, and a wait that gave up silently made the next assertion fail instead.
 */
export async function until(condition: () => boolean, patienceMs = 10_000): Promise<void> {
  const giveUpAt = performance.now() + patienceMs;
  while (!condition()) {
    if (performance.now() > giveUpAt) throw new Error(`until: condition still false after ${patienceMs} ms: ${condition}`);
    await new Promise((r) => setImmediate(r));
  }
}
