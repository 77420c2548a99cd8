import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { envWithoutSettings } from '../../support/env-without-settings.ts';
import { silentDoh } from '../../support/silent-doh.ts';
import { eventually } from './edge-harness.ts';

const ROOT = join(import.meta.dirname, '../../..');

describe('`npm start` offline, stopped by SIGTERM', () => {
  const cleanup: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('exits 0 with DoH questions still out, and every process of it is gone', async () => {
    const doh = await silentDoh();
    cleanup.push(doh.close);
    const db = join(mkdtempSync(join(tmpdir(), 'bz-stop-')), 'bz.db');
    const env = { ...envWithoutSettings(), BZ_HOST: '127.0.0.1', BZ_PORT: '0', BZ_DB: db, BZ_DOH: doh.url, BZ_DOCTOR_HOSTS: '', BZ_HELO_NAME: 'prober.offline.test' };
    // A group of its own, so whatever the test leaves behind can be ended by the group's id.
    const npm = spawn('npm', ['start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    cleanup.push(() => {
      try {
        process.kill(-npm.pid!, 'SIGKILL');
      } catch {
        // The group is gone already.
      }
    });
    let err = '';
    npm.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
    // The pipe closes only when every process holding it (npm, and the server it started) has ended.
    const allGone = new Promise<void>((resolve) => npm.stderr.once('close', resolve));

    await eventually(() => /listening on http/.test(err), 'the edge listening', 30_000);
    // The doctor's questions (HELO name, blocklists) are out at the silent DoH.
    await eventually(() => doh.open() > 0, 'DoH questions outstanding', 30_000);
    // Only npm gets the signal, as from a service manager or `docker stop`: it must reach the server.
    npm.kill('SIGTERM');

    expect(await exited).toBe(0);
    await allGone;
    expect(doh.received()).toBeGreaterThan(0);
    expect(doh.open()).toBe(0);
  }, 60_000);
});
