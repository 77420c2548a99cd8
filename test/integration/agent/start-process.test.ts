import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ALLOW_NETS, DNS } from '../../world/world.ts';
import { eventually } from './edge-harness.ts';
import { describeWorld } from '../../support/world-tier.ts';
import { envWithoutSettings } from '../../support/env-without-settings.ts';

const BIN = join(import.meta.dirname, '../../../bin/bouncezero.js');

/** `bouncezero start` as a user runs it, on an ephemeral port, against the world. */
function start(db: string) {
  const env = envWithoutSettings();
  Object.assign(env, { BZ_DB: db, BZ_PORT: '0', BZ_DOH: DNS.doh, BZ_ALLOW_NETS: ALLOW_NETS, BZ_DOCTOR_HOSTS: '127.0.0.20:25', BZ_DNSBL_ZONES: '', BZ_HELO_NAME: 'prober.world.test' });
  const child = spawn(process.execPath, [BIN, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const io = { out: '', err: '' };
  child.stdout.on('data', (c: Buffer) => (io.out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (io.err += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, io, exit, url: () => /listening on (http:\/\/[^\s]+)/.exec(io.err)?.[1] };
}

async function health(url: string) {
  return (await (await fetch(`${url}/v1/health`)).json()) as { agents: number; agent_list: { id: string; name: string; port25: boolean | null }[] };
}

describeWorld('bouncezero start', () => {
  it('serves the API with its embedded prober over the agent protocol, keeps its identity across restarts, and exits cleanly', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'bz-start-')), 'bz.db');
    const first = start(db);
    try {
      await eventually(() => first.url() !== undefined, 'the edge listening', 20_000);
      const url = first.url()!;
      await eventually(() => /^bz_\S+$/m.test(first.io.out), 'the first API key');
      const key = /^(bz_\S+)$/m.exec(first.io.out)![1]!;
      let agents: Awaited<ReturnType<typeof health>>['agent_list'] = [];
      for (let i = 0; i < 200 && agents[0]?.port25 !== true; i++) {
        agents = (await health(url)).agent_list;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(agents).toMatchObject([{ name: 'embedded', port25: true }]);
      const verify = await fetch(`${url}/v1/verify`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ email: 'alice@world.test' }) });
      expect(await verify.json()).toMatchObject({ verdict: 'deliverable', reason: 'accepted' });
      const auth = { authorization: `Bearer ${key}` };
      const created = await fetch(`${url}/v1/jobs`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(['alice@world.test', 'nobody@world.test']) });
      expect(created.status).toBe(202);
      const { id } = (await created.json()) as { id: string };
      let job: { status?: string; counts?: Record<string, number> } = {};
      for (let i = 0; i < 200 && job.status !== 'completed'; i++) {
        job = await (await fetch(`${url}/v1/jobs/${id}`, { headers: auth })).json();
        if (job.status !== 'completed') await new Promise((r) => setTimeout(r, 50));
      }
      expect(job).toMatchObject({ status: 'completed', counts: { deliverable: 1, undeliverable: 1 } });
      first.child.kill('SIGTERM');
      expect(await first.exit).toBe(0);

      const second = start(db);
      try {
        await eventually(() => second.url() !== undefined, 'the edge listening again', 20_000);
        const url2 = second.url()!;
        await eventually(() => second.io.err.includes('edge_ready'), 'the embedded prober back');
        expect((await health(url2)).agent_list.map((a) => a.id)).toEqual([agents[0]!.id]);
        expect(second.io.out).toBe(''); // no second API key
        second.child.kill('SIGTERM');
        expect(await second.exit).toBe(0);
      } finally {
        second.child.kill('SIGKILL');
      }
    } finally {
      first.child.kill('SIGKILL');
    }
  });
});
