import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ALLOW_NETS, BULK, bulkDomain, bulkMailbox, DNS } from '../../world/world.ts';
import { openPostgresSchema, PG_AVAILABLE } from '../../support/store-engines.ts';
import { worldUp } from '../../support/world-tier.ts';
import { envWithoutSettings } from '../../support/env-without-settings.ts';

/**
 * Three edges and three probers on one PostgreSQL, a bulk job over the world's bulk domains, one
 * edge and one prober SIGKILLed midway. BZ_SCALE_ADDRESSES sets the job's size (whole domains of
 * 100 addresses); the bench setting is 20000, the default keeps the suite's time in bounds.
 */
const ADDRESSES = Number(process.env.BZ_SCALE_ADDRESSES ?? 3000);
const BIN = join(import.meta.dirname, '../../../bin/bouncezero.js');
const KEY = 'scale-test-key-0123456789abcdefghijkl';
const auth = { authorization: `Bearer ${KEY}` };

function baseEnv(db: string): Record<string, string> {
  const env = envWithoutSettings();
  return {
    ...env,
    BZ_DB: db,
    BZ_DOH: DNS.doh,
    BZ_ALLOW_NETS: ALLOW_NETS,
    BZ_DOCTOR_HOSTS: '',
    BZ_DNSBL_ZONES: '',
    BZ_HELO_NAME: 'prober.world.test',
  };
}

interface Proc {
  child: ChildProcess;
  log: () => string;
  exited: Promise<void>;
}

function run(args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (c: Buffer) => (log += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (log = (log + c.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, log: () => log, exited };
}

async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, limitMs: number, last?: () => unknown): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${JSON.stringify(last())}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `bouncezero agent add NAME` against the shared store: the id and the secret it prints. */
function addAgent(db: string, name: string, dir: string): { id: string; secretFile: string } {
  const out = spawnSync(process.execPath, [BIN, 'agent', 'add', name], { env: baseEnv(db), encoding: 'utf8' });
  const id = /^\s*id\s+(\S+)/m.exec(out.stdout)?.[1];
  const secret = /^\s*secret\s+(\S+)/m.exec(out.stdout)?.[1];
  if (out.status !== 0 || !id || !secret) throw new Error(`agent add ${name}: ${out.status} ${out.stdout} ${out.stderr}`);
  const secretFile = join(dir, `${name}.secret`);
  writeFileSync(secretFile, `${secret}\n`, { mode: 0o600 });
  return { id, secretFile };
}

describe.skipIf(!worldUp || !PG_AVAILABLE)('three edges and three probers on one PostgreSQL', () => {
  it(`finish a ${ADDRESSES}-address job across an edge and a prober SIGKILL: every address resolved once, counts adding up`, async () => {
    const store = await openPostgresSchema({ keep: true });
    const dir = mkdtempSync(join(tmpdir(), 'bz-scale-'));
    const procs: Proc[] = [];
    try {
      // Per domain: 99 mailboxes that exist and one that does not (few refusals, so sessions go on).
      const domains = Math.min(BULK.domains, Math.ceil(ADDRESSES / 100));
      const expected = new Map<string, string>();
      for (let d = 0; d < domains; d++) {
        for (let j = 0; j < 99 && expected.size < ADDRESSES; j++) expected.set(`${bulkMailbox(j)}@${bulkDomain(d)}`, 'deliverable');
        if (expected.size < ADDRESSES) expected.set(`nobody@${bulkDomain(d)}`, 'undeliverable');
      }
      // Domains interleaved, so every claim batch spans many domains and the edges meet on them.
      const emails = [...expected.keys()].sort((a, b) => (a.split('@')[0]! < b.split('@')[0]! ? -1 : a.split('@')[0]! > b.split('@')[0]! ? 1 : 0));
      const agents = [0, 1, 2].map((i) => addAgent(store.url, `p${i}`, dir));

      const edgeEnv = {
        ...baseEnv(store.url),
        BZ_PORT: '0',
        BZ_API_KEY: KEY,
        BZ_RATE_LIMIT_RPS: '0',
        BZ_PG_POOL: '5',
        // A dead edge's claims come back after the lease; a task must end well before it.
        BZ_JOB_LEASE_MS: '6000',
        BZ_JOB_TASK_DEADLINE_MS: '5000',
        BZ_JOB_CLAIM_SIZE: '200',
        BZ_JOB_MAX_IN_FLIGHT: '600',
      };
      const edges = [0, 1, 2].map(() => run(['edge'], edgeEnv));
      procs.push(...edges);
      const urls = await Promise.all(edges.map((e, i) => waitFor(() => /listening on (http:\/\/\S+)/.exec(e.log())?.[1], `edge ${i} listening`, 30_000, e.log)));
      const proberEnv = { ...baseEnv(store.url), BZ_SMTP_MAX_SESSIONS: '16', BZ_SMTP_SESSIONS_PER_MINUTE: '100000' };
      const probers = agents.map((a, i) => run(['prober', '--edge', `${urls[i]!.replace('http', 'ws')}/v1/agents/ws`, '--id', a.id, '--secret-file', a.secretFile, '--capacity', '16'], proberEnv));
      procs.push(...probers);
      for (const [i, url] of urls.entries()) {
        await waitFor(async () => ((await (await fetch(`${url}/v1/health`)).json()) as { agents: number }).agents >= 1 || undefined, `prober ${i} connected`, 30_000, probers[i]!.log);
      }

      const started = Date.now();
      const csv = `email\r\n${emails.join('\r\n')}\r\n`;
      const res = await fetch(`${urls[0]}/v1/jobs`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body: csv });
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as { id: string };
      const status = async (url: string) => (await (await fetch(`${url}/v1/jobs/${id}`, { headers: auth })).json()) as any;

      await waitFor(async () => ((await status(urls[2]!)).done >= ADDRESSES / 4 ? true : undefined), 'a quarter done', 120_000);
      edges[0]!.child.kill('SIGKILL');
      probers[1]!.child.kill('SIGKILL');
      await Promise.all([edges[0]!.exited, probers[1]!.exited]);

      let last: any;
      const final = await waitFor(async () => {
        last = await status(urls[2]!);
        return last.status === 'completed' ? last : undefined;
      }, 'the job to complete', 240_000, () => last);
      const seconds = (Date.now() - started) / 1000;
      const refusals = await Promise.all(urls.slice(1).map(async (url) => /^bouncezero_job_domain_lease_refusals (\d+)/m.exec(await (await fetch(`${url}/metrics`, { headers: auth })).text())?.[1]));
      console.log(`scale: ${ADDRESSES} addresses, 3 edges (1 killed), 3 probers (1 killed): ${seconds.toFixed(1)} s, ${(ADDRESSES / seconds).toFixed(0)} addresses/s; domain lease refusals on the surviving edges: ${refusals.join(', ')}`);

      const verdicts = [...expected.values()];
      expect(final.total).toBe(ADDRESSES);
      expect(final.done).toBe(ADDRESSES);
      expect(final.counts.deliverable).toBe(verdicts.filter((v) => v === 'deliverable').length);
      expect(final.counts.undeliverable).toBe(verdicts.filter((v) => v === 'undeliverable').length);
      expect(Object.values(final.counts as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(ADDRESSES);

      // Every row comes back once with the world's verdict, through an edge that did not take the upload.
      const results = (await (await fetch(`${urls[1]}/v1/jobs/${id}/results?format=json`, { headers: auth })).json()) as { email: string; verdict: string }[];
      expect(results.length).toBe(ADDRESSES);
      expect(new Set(results.map((r) => r.email)).size).toBe(ADDRESSES);
      for (const r of results) expect([r.email, r.verdict]).toEqual([r.email, expected.get(r.email)]);

      // In the store: each item resolved once (done, with one result), and the dead edge's claims
      // were taken again by the others (a later attempt), so nothing waited on it.
      const rows = await sql<{ state: string; n: number; retaken: number }>`
        select state, count(*) as n, count(*) filter (where attempt > 1) as retaken from job_items where job_id = ${id} group by state`.execute(store.db);
      expect(rows.rows.map((r) => [r.state, Number(r.n)])).toEqual([['done', ADDRESSES]]);
      expect(Number(rows.rows[0]!.retaken)).toBeGreaterThan(0);
    } finally {
      for (const p of procs) p.child.kill('SIGKILL');
      await Promise.all(procs.map((p) => p.exited));
      await store.drop();
    }
  }, 420_000);
});
