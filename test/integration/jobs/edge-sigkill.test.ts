import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { BULK, bulkDomain, bulkMailbox } from '../../world/world.ts';
import { worldEnv } from '../../support/bouncezero-processes.ts';
import { describeWorld } from '../../support/world-tier.ts';
import { freshSender } from '../../support/world-smtp.ts';

const BIN = join(import.meta.dirname, '../../../bin/bouncezero.js');
const KEY = 'jobs-test-key-0123456789abcdefghijklm';

/** `bouncezero start` (edge + embedded prober) on a SQLite file, against the world. */
function start(db: string, mailFrom: string) {
  const env = worldEnv(db, { BZ_API_KEY: KEY, BZ_MAIL_FROM: mailFrom });
  const child = spawn(process.execPath, [BIN, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const io = { err: '' };
  child.stdout.resume();
  child.stderr.on('data', (c: Buffer) => (io.err += c.toString()));
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, io, exit, url: () => /listening on (http:\/\/[^\s]+)/.exec(io.err)?.[1] };
}

async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, limitMs = 60_000, last?: () => unknown): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${JSON.stringify(last())}` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const auth = { authorization: `Bearer ${KEY}` };
const status = async (url: string, id: string) => (await (await fetch(`${url}/v1/jobs/${id}`, { headers: auth })).json()) as any;

describeWorld('a bulk job across an edge SIGKILL', () => {
  it('resumes after a restart on the same SQLite file: every row answered, each address once, counts adding up', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'bz-jobs-')), 'bz.db');
    // Mostly mailboxes that exist (a session stops after 8 refusals), spread over several MX
    // addresses (each prober allows 30 new sessions a minute per address); then duplicates and bad rows.
    const expected = new Map<string, [string, string]>();
    const add = (email: string, verdict: string, reason: string) => expected.set(email, [verdict, reason]);
    for (let d = 0; d < 2; d++) {
      for (let j = 0; j < BULK.mailboxes; j++) add(`${bulkMailbox(j)}@${bulkDomain(d)}`, 'deliverable', 'accepted');
      add(`nobody@${bulkDomain(d)}`, 'undeliverable', 'mailbox_not_found');
    }
    for (const domain of ['world.test', 'nopipe.test', 'implicit.test', 'equal.test']) {
      add(`alice@${domain}`, 'deliverable', 'accepted');
      add(`nobody@${domain}`, 'undeliverable', 'mailbox_not_found');
    }
    for (let j = 0; j < 20; j++) add(`anyone${j}@catchall.test`, 'risky', 'catch_all');
    // Greylisted on first sight (a sender postgrey has not met): the job cannot finish within
    // GREYLIST_DELAY_S, so the kill below lands mid-job however fast the rest is answered.
    add('alice@grey.test', 'deliverable', 'accepted');
    const mailFrom = freshSender('sigkill');
    const rows: [string, string][] = [...expected.keys()].map((email, i) => [`r${i}`, email]);
    // The same addresses again, with the domain in capitals: folded onto the same items.
    for (let i = 0; i < 40; i++) rows.push([`dup${i}`, (rows[i * 5] as [string, string])[1].replace(/@(.*)$/, (_, d: string) => `@${d.toUpperCase()}`)]);
    rows.push(['bad1', 'not an address'], ['bad2', 'a@@b.test']);
    const csv = `id,email\r\n${rows.map(([id, e]) => `${id},"${e}"`).join('\r\n')}\r\n`;

    const first = start(db, mailFrom);
    let id = '';
    try {
      const url = await waitFor(first.url, 'the edge listening');
      const res = await fetch(`${url}/v1/jobs`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body: csv });
      expect(res.status).toBe(202);
      id = ((await res.json()) as { id: string }).id;
      const midway = await waitFor(async () => {
        const s = await status(url, id);
        return s.done > 2 ? s : undefined; // the two bad rows are done at upload
      }, 'the first answers');
      first.child.kill('SIGKILL');
      await first.exit;
      expect(midway.done).toBeLessThan(midway.total);
    } finally {
      first.child.kill('SIGKILL');
    }

    const second = start(db, mailFrom);
    try {
      const url = await waitFor(second.url, 'the edge listening again');
      let seen: unknown;
      const done = await waitFor(async () => {
        const s = await status(url, id);
        seen = s;
        return s.status === 'completed' ? s : undefined;
      }, 'the job to complete', 120_000, () => ({ seen, log: second.io.err.slice(-2000) }));
      expect(done.rows).toBe(rows.length);
      expect(done.done).toBe(done.total);
      expect(done.pending + done.in_flight + done.waiting_retry).toBe(0);
      expect(Object.values(done.counts as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(done.total);

      const text = await (await fetch(`${url}/v1/jobs/${id}/results?format=csv`, { headers: auth })).text();
      const lines = text.trimEnd().split('\r\n');
      expect(lines[0]).toMatch(/^id,email,normalized,verdict,reason,score,reason_text,/);
      expect(lines).toHaveLength(rows.length + 1);
      const byId = new Map(lines.slice(1).map((l) => [l.split(',')[0], l.split(',')]));
      expect(done.total).toBe(expected.size + 2);
      for (const [rid, email] of rows.slice(0, -2)) {
        const [, , , verdict, reason] = byId.get(rid) ?? [];
        expect([rid, email, verdict, reason]).toEqual([rid, email, ...(expected.get(email.toLowerCase()) ?? [])]);
      }
      expect(byId.get('bad1')?.slice(3, 5)).toEqual(['undeliverable', 'invalid_syntax']);
    } finally {
      second.child.kill('SIGKILL');
    }
  }, 240_000);
});
