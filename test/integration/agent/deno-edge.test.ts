import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../../edge/adapters/sqlite-node.ts';
import { enrollAgent } from '../../../edge/dispatch/agent-enrollment.ts';
import { createKyselyAgentStore } from '../../../edge/dispatch/kysely-agent-store.ts';
import { systemClock, systemRandom, VerificationResult } from '../../../protocol/index.ts';
import { startBenchDns, type BenchDns } from '../../bench/bench-dns.ts';
import { HeldSmtpServer } from './held-smtp-server.ts';
import { envWithoutSettings } from '../../support/env-without-settings.ts';

/**
 * The whole edge on Deno (edge/adapters/deno-main.ts: Deno.serve, Deno's SQLite, the agents'
 * WebSocket through Deno.upgradeWebSocket) with a Node prober process connected to it. DNS is
 * an in-process DoH server on loopback and the MX a scripted SMTP server there, so nothing
 * leaves the machine: alice@ and bob@ exist, every other mailbox is refused 550 5.1.1.
 */
const ROOT = resolve(import.meta.dirname, '../../..');
const DENO = join(ROOT, 'node_modules/.bin/deno');
const BIN = join(ROOT, 'bin/bouncezero.js');
const KEY = 'deno-edge-key-0123456789abcdefghijklmn';

const children: ChildProcess[] = [];
const logs: string[] = [];
let smtp: HeldSmtpServer | undefined;
let dns: BenchDns | undefined;

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await smtp?.close();
  await dns?.close();
});

/** The environment without the caller's BZ_ settings, plus these. */
function env(extra: Record<string, string>): Record<string, string> {
  const out = envWithoutSettings();
  return { ...out, ...extra };
}

function start(command: string, args: string[], extra: Record<string, string>, name: string): ChildProcess {
  const child = spawn(command, args, { cwd: ROOT, env: env(extra), stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.on('data', (chunk: Buffer) => logs.push(`${name}: ${chunk.toString()}`));
  children.push(child);
  return child;
}

/** Asks until the condition holds, at most `polls` times, 50 ms apart. */
async function eventually(condition: () => Promise<boolean>, what: string, polls = 600): Promise<void> {
  for (let i = 0; i < polls; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never saw ${what}\n${logs.join('')}`);
}

/** The first line the edge prints once it listens: its URLs. */
async function listening(child: ChildProcess): Promise<{ url: string; agent_url: string; runtime: string }> {
  for await (const line of createInterface({ input: child.stdout! })) {
    const parsed = JSON.parse(line) as { event?: string };
    if (parsed.event === 'edge_listening') return parsed as { url: string; agent_url: string; runtime: string };
  }
  throw new Error(`the Deno edge exited before listening:\n${logs.join('')}`);
}

describe('the whole edge on Deno', () => {
  it('verifies addresses end to end, single and as a job with its webhook, with a Node prober on its WebSocket', async () => {
    smtp = new HeldSmtpServer();
    smtp.holding = false;
    const smtpPort = await smtp.listen(['127.0.0.1']);
    dns = await startBenchDns([{ name: 'deno.test', type: 'MX', value: '10 mx.deno.test' }, { name: 'mx.deno.test', type: 'A', value: '127.0.0.1' }, { name: 'hooks.deno.test', type: 'A', value: '127.0.0.1' }], 'deno.test');
    // The job's completion webhook goes to a name only our DoH knows, pinned to what it answered.
    const hooks: { host: string | undefined; body: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => (hooks.push({ host: req.headers.host, body }), res.writeHead(204).end()));
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const hookPort = (receiver.address() as AddressInfo).port;

    // The agent is enrolled in the store file with Node's SQLite; Deno's opens the same file.
    const dir = mkdtempSync(join(tmpdir(), 'bz-deno-edge-'));
    const dbFile = join(dir, 'edge.db');
    const store = await openSqlite(dbFile);
    const agent = await enrollAgent(createKyselyAgentStore(store), 'node-prober', { clock: systemClock, random: systemRandom });
    await store.destroy();
    if (!agent.ok) throw new Error(agent.error);
    const secretFile = join(dir, 'agent.secret');
    writeFileSync(secretFile, `${agent.secret}\n`, { mode: 0o600 });

    const edgeProcess = start(DENO, ['run', '-A', 'edge/adapters/deno-main.ts'], { BZ_HOST: '127.0.0.1', BZ_PORT: '0', BZ_DB: dbFile, BZ_DOH: dns.doh, BZ_ALLOW_NETS: '127.0.0.0/8', BZ_API_KEY: KEY, BZ_RATE_LIMIT_RPS: '0' }, 'edge');
    const edge = await listening(edgeProcess);
    expect(edge.runtime).toBe('deno');
    start(process.execPath, [BIN, 'prober', '--edge', edge.agent_url, '--id', agent.id, '--secret-file', secretFile, '--capacity', '2'], {
      BZ_SMTP_PORT: String(smtpPort),
      BZ_ALLOW_NETS: '127.0.0.0/8',
      BZ_DOCTOR_HOSTS: '',
      BZ_DNSBL_ZONES: '',
      BZ_HELO_NAME: 'prober.deno.test',
      BZ_MAIL_FROM: 'verify@prober.deno.test',
    }, 'prober');

    const health = async () => (await (await fetch(`${edge.url}/v1/health`)).json()) as { agents: number };
    await eventually(async () => (await health()).agents === 1, 'the Node prober ready on the Deno edge');

    const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
    const verify = async (email: string) => VerificationResult.parse(await (await fetch(`${edge.url}/v1/verify`, { method: 'POST', headers: auth, body: JSON.stringify({ email }) })).json());
    const alice = await verify('alice@deno.test');
    expect(alice).toMatchObject({ verdict: 'deliverable', reason: 'accepted', checks: { dns: { rule: 'mx' }, smtp: { outcome: 'accepted' }, catch_all: { status: 'no' } } });
    expect(await verify('nobody@deno.test')).toMatchObject({ verdict: 'undeliverable', reason: 'mailbox_not_found' });

    const created = await fetch(`${edge.url}/v1/jobs?callback_url=${encodeURIComponent(`http://hooks.deno.test:${hookPort}/done`)}`, { method: 'POST', headers: auth, body: JSON.stringify(['bob@deno.test', 'carol@deno.test', 'not an address']) });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    let report: { status?: string; counts?: Record<string, number> } = {};
    await eventually(async () => {
      report = (await (await fetch(`${edge.url}/v1/jobs/${id}`, { headers: auth })).json()) as typeof report;
      return report.status === 'completed';
    }, 'the job completed');
    expect(report.counts).toMatchObject({ deliverable: 1, undeliverable: 2 });
    // The export reads the results back from the store, deflated there by the portable codec.
    const rows = (await (await fetch(`${edge.url}/v1/jobs/${id}/results?format=json`, { headers: auth })).json()) as { email: string; smtp_code: number | null }[];
    expect(rows.map((r) => [r.email, r.smtp_code])).toEqual([['bob@deno.test', 250], ['carol@deno.test', 550], ['not an address', null]]);

    const page = await fetch(`${edge.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
    expect(smtp.sessions).toBeGreaterThan(0);
    await eventually(async () => hooks.length === 1, 'the completion webhook delivered');
    expect(hooks[0]!.host).toBe(`hooks.deno.test:${hookPort}`);
    expect(JSON.parse(hooks[0]!.body)).toMatchObject({ event: 'job.finished', job: { id, status: 'completed' } });
    receiver.close();
  }, 120_000);
});
