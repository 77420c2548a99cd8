import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { EdgeServer } from '../../../edge/adapters/node-server.ts';
import type { DispatchOutcome } from '../../../edge/dispatch/dispatcher.ts';
import type { ProbeTask } from '../../../protocol/index.ts';
import { MemoryAgentStore, addAgent, randomHex } from '../../unit/dispatch/hub-harness.ts';
import { eventually, startTestEdge } from './edge-harness.ts';
import { HeldSmtpServer } from './held-smtp-server.ts';
import { envWithoutSettings } from '../../support/env-without-settings.ts';

const BIN = join(import.meta.dirname, '../../../bin/bouncezero.js');
/** One MX address per task, so the engine's per-host limits never hold a task back. */
const MX_ADDRESSES = Array.from({ length: 6 }, (_, i) => `127.0.0.${31 + i}`);

const children: ChildProcess[] = [];
/** What the probers logged, shown when the test fails. */
const stderr: string[] = [];
let edge: EdgeServer | undefined;
let smtp: HeldSmtpServer | undefined;
afterEach((ctx) => {
  if (ctx.task.result?.state === 'fail') process.stderr.write(stderr.join(''));
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await edge?.close();
  await smtp?.close();
});

function heldTask(i: number): ProbeTask {
  const domain = `held-${i}.test`;
  return {
    id: `k${i}`,
    domain,
    plan: { domain, rule: 'mx', hosts: [{ host: `mx.${domain}`, preference: 10, addresses: [MX_ADDRESSES[i]!], refused: [] }], ttl: 60, records: [], cnames: [] },
    addresses: [{ id: `k${i}-1`, address: `alice@${domain}`, smtputf8: false }],
    deadline_ms: 60_000,
    catch_all: false,
    fresh: false,
  };
}

/** The real `bouncezero prober` process, dialing the held SMTP server as its MX. */
function prober(id: string, secretFile: string, smtpPort: number, heloName = 'prober.world.test'): { child: ChildProcess; exit: Promise<number | null> } {
  const env = envWithoutSettings();
  Object.assign(env, { BZ_SMTP_PORT: String(smtpPort), BZ_ALLOW_NETS: '127.0.0.0/8', BZ_DOCTOR_HOSTS: '', BZ_DNSBL_ZONES: '', BZ_HELO_NAME: heloName, BZ_MAIL_FROM: 'verify@prober.world.test' });
  const child = spawn(process.execPath, [BIN, 'prober', '--edge', edge!.agentUrl, '--id', id, '--secret-file', secretFile, '--capacity', '4'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(`${id}: ${chunk.toString()}`));
  children.push(child);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exit };
}

/** Agents recorded in a store, each with its secret in a file as `bouncezero agent add` leaves it. */
async function enrolled(ids: string[]): Promise<{ store: MemoryAgentStore; files: Record<string, string> }> {
  const store = new MemoryAgentStore();
  const dir = mkdtempSync(join(tmpdir(), 'bz-probers-'));
  const files: Record<string, string> = {};
  for (const id of ids) {
    const secret = randomHex(32);
    await addAgent(store, id, secret);
    files[id] = join(dir, `${id}.secret`);
    writeFileSync(files[id], `${secret}\n`, { mode: 0o600 });
  }
  return { store, files };
}

describe('prober processes', () => {
  it('a SIGKILLed prober loses nothing; a SIGTERMed one finishes its work first; no result is applied twice', async () => {
    smtp = new HeldSmtpServer();
    const smtpPort = await smtp.listen(MX_ADDRESSES);
    const { store, files } = await enrolled(['killed', 'drained', 'last']);
    edge = await startTestEdge(store);
    const hub = edge.hub;

    const killed = prober('killed', files.killed!, smtpPort);
    await eventually(() => hub.healthyCount() === 1, 'first prober ready', 20_000);
    const outcomes: DispatchOutcome[] = [];
    const all = Promise.all(Array.from({ length: 6 }, (_, i) => hub.submit(heldTask(i)).then((o) => outcomes.push(o))));
    await eventually(() => smtp!.held === 4, 'four RCPTs held by the first prober', 20_000);
    expect(hub.metrics()).toMatchObject({ tasks_dispatched: 4, tasks_waiting: 2 });
    killed.child.kill('SIGKILL');
    await killed.exit;
    await eventually(() => hub.agents().length === 0, 'the killed prober dropped');
    expect(hub.metrics()).toMatchObject({ tasks_waiting: 6, tasks_in_flight: 0 });

    const drained = prober('drained', files.drained!, smtpPort);
    await eventually(() => smtp!.held === 8, 'the second prober holds four', 20_000);
    drained.child.kill('SIGTERM');
    await eventually(() => hub.agents()[0]?.healthy === false, 'the second prober draining');
    smtp.release();
    expect(await drained.exit).toBe(0);
    expect(outcomes).toHaveLength(4);
    expect(hub.metrics()).toMatchObject({ tasks_waiting: 2 });

    const last = prober('last', files.last!, smtpPort);
    await all;
    last.child.kill('SIGTERM');
    expect(await last.exit).toBe(0);

    const by: Record<string, number> = {};
    for (const o of outcomes) {
      expect(o).toMatchObject({ ok: true, result: { results: [{ smtp: { outcome: 'accepted' } }] } });
      if (o.ok) by[o.agent_id] = (by[o.agent_id] ?? 0) + 1;
    }
    expect(by).toEqual({ drained: 4, last: 2 });
    expect(hub.metrics()).toMatchObject({ tasks_dispatched: 6, tasks_redispatched: 4, duplicate_results_dropped: 0 });
    console.log('held RCPTs', smtp.rcpts, 'sessions', smtp.sessions, 'metrics', hub.metrics());
  });

  it('a prober whose IP Google refused no longer gets Google domains while another prober can take them, and keeps its back-off across its restart and the edge\'s', async () => {
    await smtp?.close();
    await edge?.close();
    smtp = new HeldSmtpServer();
    smtp.holding = false;
    smtp.blockedHelo = 'prober-a.world.test';
    const smtpPort = await smtp.listen(MX_ADDRESSES.slice(0, 2));
    const { store, files } = await enrolled(['a', 'b']);
    edge = await startTestEdge(store);
    const hub = edge.hub;
    // Two Google Workspace tenants on two of Google's MX hosts (each its own address here).
    const tenant = (i: number): ProbeTask => {
      const task = heldTask(i);
      task.plan.hosts[0]!.host = `alt${i + 1}.aspmx.l.google.com`;
      return task;
    };

    const a = prober('a', files.a!, smtpPort, 'prober-a.world.test');
    await eventually(() => hub.healthyCount() === 1, 'prober a ready', 20_000);
    const refused = await hub.submit(tenant(0));
    expect(refused).toMatchObject({ ok: true, agent_id: 'a', result: { results: [{ smtp: { outcome: 'temporary', cause: 'blocked' } }], stats: { held_off: [{ provider: 'google.com' }] } } });

    const b = prober('b', files.b!, smtpPort, 'prober-b.world.test');
    await eventually(() => hub.healthyCount() === 2, 'prober b ready', 20_000);
    // Both idle: by load alone the first connected (a) would take it, and answer "held" unasked.
    const answered = await hub.submit(tenant(1));
    expect(answered).toMatchObject({ ok: true, agent_id: 'b', result: { results: [{ smtp: { outcome: 'accepted' } }] } });
    expect(smtp.greetings).toEqual(['prober-a.world.test', 'prober-b.world.test']);

    // a restarts (and forgets); b goes away. The edge tells the new a its back-off at ready, so a
    // Google task now is answered "held" without a connection, not tried again at once.
    a.child.kill('SIGKILL');
    await a.exit;
    b.child.kill('SIGTERM');
    expect(await b.exit).toBe(0);
    const restarted = prober('a', files.a!, smtpPort, 'prober-a.world.test');
    await eventually(() => hub.healthyCount() === 1, 'prober a back', 20_000);
    const held = await hub.submit({ ...tenant(0), id: 'k0-again' });
    expect(held).toMatchObject({ ok: true, agent_id: 'a', result: { results: [{ smtp: { outcome: 'temporary', cause: 'blocked' } }] } });
    if (held.ok) expect(held.result.results[0]!.smtp.detail).toContain('kept by the edge');
    expect(smtp.greetings).toHaveLength(2);

    // Now the edge restarts as well, and remembers nothing: the store kept the back-off, so the
    // new edge tells a again at ready, and the Google task still costs no connection.
    restarted.child.kill('SIGTERM');
    expect(await restarted.exit).toBe(0);
    await edge.close();
    edge = await startTestEdge(store);
    const afresh = prober('a', files.a!, smtpPort, 'prober-a.world.test');
    await eventually(() => edge!.hub.healthyCount() === 1, 'prober a on the new edge', 20_000);
    const stillHeld = await edge.hub.submit({ ...tenant(0), id: 'k0-third' });
    expect(stillHeld).toMatchObject({ ok: true, agent_id: 'a', result: { results: [{ smtp: { outcome: 'temporary', cause: 'blocked' } }] } });
    expect(smtp.greetings).toHaveLength(2);

    afresh.child.kill('SIGTERM');
    expect(await afresh.exit).toBe(0);
  });
});
