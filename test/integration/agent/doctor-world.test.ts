import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';
import type { EdgeServer } from '../../../edge/adapters/node-server.ts';
import { nodePortProbe } from '../../../prober/adapters/port-probe-node.ts';
import { createDoctor } from '../../../prober/doctor/doctor.ts';
import { DNS, DNSBL, REFUSING_ADDRESS } from '../../world/world.ts';
import { MemoryAgentStore, addAgent, randomHex, task } from '../../unit/dispatch/hub-harness.ts';
import { eventually, scriptedRunner, startAgent, startTestEdge } from './edge-harness.ts';
import { describeWorld } from '../../support/world-tier.ts';

const execCli = promisify(execFile);
const BIN = join(import.meta.dirname, '../../../bin/bouncezero.js');

let edge: EdgeServer | undefined;
afterEach(async () => {
  await edge?.close();
  edge = undefined;
});

async function run(hosts: string[]) {
  const store = new MemoryAgentStore();
  const secret = randomHex(32);
  await addAgent(store, 'a1', secret);
  // the edge answers the agent's DNS questions with its own DoH client (BZ_DOH = the world's)
  edge = await startTestEdge(store);
  const doctor = createDoctor({ probe: nodePortProbe, hosts, dnsblZones: [DNSBL.listed, DNSBL.clean], heloName: 'prober.world.test', dialTimeoutMs: 2_000 });
  const started = await startAgent(edge, 'a1', secret, scriptedRunner().runner, { doctor });
  await eventually(() => (edge!.hub.agents()[0]?.doctor.length ?? 0) > 0, 'doctor report');
  return started;
}

describeWorld('the prober doctor through a real edge and the world DoH', () => {
  it('passes FCrDNS for prober.world.test, reaches port 25 and finds the listed DNSBL', async () => {
    const { agent, exit } = await run(['127.0.0.20:25']);
    const summary = edge!.hub.agents()[0]!;
    expect(summary.observed_address).toBe('127.0.0.1');
    expect(summary.port25).toBe(true);
    expect(Object.fromEntries(summary.doctor.map((c) => [c.name, c.ok]))).toEqual({
      port25: true,
      helo_fqdn: true,
      helo_resolves: true,
      fcrdns: true,
      [`dnsbl:${DNSBL.listed}`]: false,
      [`dnsbl:${DNSBL.clean}`]: true,
    });
    agent.drain();
    await exit;
  });

  it('`bouncezero prober doctor` prints the checks and exits non-zero when one fails', async () => {
    const store = new MemoryAgentStore();
    const secret = randomHex(32);
    await addAgent(store, 'a1', secret);
    edge = await startTestEdge(store);
    const file = join(mkdtempSync(join(tmpdir(), 'bz-doctor-')), 'a1.secret');
    writeFileSync(file, secret, { mode: 0o600 });
    const env = { ...process.env, BZ_DOCTOR_HOSTS: '127.0.0.20:25', BZ_DNSBL_ZONES: `${DNSBL.listed},${DNSBL.clean}`, BZ_HELO_NAME: 'prober.world.test' };
    const out = await execCli(process.execPath, [BIN, 'prober', 'doctor', '--edge', edge.agentUrl, '--id', 'a1', '--secret-file', file], { env }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/^ok +port25 +connected to 127\.0\.0\.20:25$/m);
    expect(out.stdout).toMatch(/^ok +fcrdns +PTR of 127\.0\.0\.1 is prober\.world\.test$/m);
    expect(out.stdout).toMatch(/^FAIL dnsbl:listed\.dnsbl\.test +127\.0\.0\.1 is listed/m);
    expect(out.stdout).toContain('port 25: open');
    expect(out.stderr).not.toContain(secret);
  });

  it('gets no work when its port 25 is blocked', async () => {
    const { agent, exit } = await run([`${REFUSING_ADDRESS}:25`]);
    expect(edge!.hub.agents()[0]!.port25).toBe(false);
    expect(edge!.hub.healthyCount()).toBe(0);
    expect(await edge!.hub.submit(task('t1'))).toMatchObject({ ok: false, reason: 'prober_port25_blocked' });
    agent.drain();
    await exit;
  });
});
