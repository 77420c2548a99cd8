import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ALLOW_NETS, DNS } from '../../world/world.ts';
import { describeWorld } from '../../support/world-tier.ts';
import { envWithoutSettings } from '../../support/env-without-settings.ts';

const BIN = join(import.meta.dirname, '../../../bin/bouncezero.js');

function worldEnv(db: string): Record<string, string> {
  const env = envWithoutSettings();
  return { ...env, BZ_DB: db, BZ_DOH: DNS.doh, BZ_ALLOW_NETS: ALLOW_NETS, BZ_DOCTOR_HOSTS: '', BZ_DNSBL_ZONES: '', BZ_HELO_NAME: 'prober.world.test' };
}

function bouncezero(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out, err })));
}

const INPUT = 'name,E-mail\r\nAl,alice@world.test\r\n"Doe, ""N""",nobody@world.test\r\nBad,x y\r\nDup,alice@WORLD.TEST\r\n';

describeWorld('bouncezero verify against the world', () => {
  it('verify --file --out without an edge: an embedded edge runs the job and writes every row with its verdict', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bz-cli-'));
    writeFileSync(join(dir, 'in.csv'), INPUT);
    const run = await bouncezero(['verify', '--file', 'in.csv', '--out', 'out.csv'], worldEnv(join(dir, 'bz.db')), dir);
    expect(run.code, run.err).toBe(0);
    expect(run.err).toMatch(/\[#+\] 100%  3\/3 /);
    expect(run.err).toContain('completed: 3 addresses (deliverable 1, undeliverable 2, risky 0, unknown 0)');
    expect(readFileSync(join(dir, 'out.csv'), 'utf8').split('\r\n')).toEqual([
      'name,E-mail,normalized,verdict,reason,score,reason_text,suggestion,role,disposable,free_provider,catch_all,mx_host,smtp_code,smtp_enhanced_code,state,next_retry_at,cause,smtp_reply',
      expect.stringMatching(/^Al,alice@world\.test,alice@world\.test,deliverable,accepted,0\.\d+,The mail server accepted the recipient\.,,false,false,false,no,mx1\.world\.test,250,2\.1\.5,done,,,2\.1\.5 Ok$/),
      expect.stringMatching(/^"Doe, ""N""",nobody@world\.test,nobody@world\.test,undeliverable,mailbox_not_found,0,The mail server says the mailbox does not exist\.,,true,false,false,no,mx1\.world\.test,550,5\.1\.1,done,,,5\.1\.1 <nobody@world\.test>: Recipient address rejected: User unknown in virtual mailbox table$/),
      'Bad,x y,,undeliverable,invalid_syntax,0,The address is not a valid RFC 5321 mailbox.,,false,false,false,,,,,done,,,',
      expect.stringMatching(/^Dup,alice@WORLD\.TEST,alice@world\.test,deliverable,accepted,0\.\d+,/),
      '',
    ]);
  }, 60_000);

  it('verify <email…> --edge --key prints one JSON result a line; a bad key is an error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bz-cli-'));
    const key = 'cli-test-key-0123456789abcdefghijklmn';
    const edge = spawn(process.execPath, [BIN, 'start'], { env: { ...worldEnv(join(dir, 'bz.db')), BZ_PORT: '0', BZ_API_KEY: key }, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    edge.stderr.on('data', (c: Buffer) => (log += c.toString()));
    try {
      for (let i = 0; i < 600 && !log.includes('edge_ready'); i++) await new Promise((r) => setTimeout(r, 50));
      const url = /listening on (http:\/\/[^\s]+)/.exec(log)?.[1] ?? '';
      const run = await bouncezero(['verify', '--edge', url, '--key', key, 'alice@world.test', 'nobody@world.test'], worldEnv(join(dir, 'unused.db')), dir);
      expect(run.code, run.err).toBe(0);
      expect(run.out.trim().split('\n').map((l) => JSON.parse(l))).toMatchObject([
        { email: 'alice@world.test', verdict: 'deliverable', reason: 'accepted' },
        { email: 'nobody@world.test', verdict: 'undeliverable', reason: 'mailbox_not_found' },
      ]);
      const bad = await bouncezero(['verify', 'alice@world.test'], { ...worldEnv(join(dir, 'unused.db')), BZ_EDGE: url, BZ_API_KEY: 'wrong-key-0123456789abcdefghijklmnopq' }, dir);
      expect(bad.code).toBe(1);
      expect(bad.err).toMatch(/^alice@world\.test: 401: /);
    } finally {
      edge.kill('SIGKILL');
    }
  }, 60_000);
});
