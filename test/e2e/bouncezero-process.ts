import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALLOW_NETS, DNS } from '../world/world.ts';
import { envWithoutSettings } from '../support/env-without-settings.ts';

const BIN = join(import.meta.dirname, '../../bin/bouncezero.js');

export interface BounceZeroProcess {
  url: string;
  /** The first API key, printed once on stdout at first start. */
  key: string;
  /** Requests the loopback stand-in for gravatar.com received. */
  avatarLookups(): number;
  /** Everything the process wrote, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * `bouncezero start` as a person runs it, against the local test world: a fresh SQLite file,
 * an ephemeral port, the world's DoH and a never-seen MAIL FROM (so postgrey greylists afresh).
 * The job runner's retry delays are shortened through BZ_JOB_RETRY_*, bounded so postgrey's
 * "try again in 3 seconds" hint is what sets the wait. The built-in Gravatar plugin is pointed
 * at a loopback server answering 404: nothing may leave the machine.
 */
export async function startBounceZero(extraEnv: Record<string, string> = {}): Promise<BounceZeroProcess> {
  const avatars = await notFoundServer();
  const avatarHost = `127.0.0.1:${(avatars.server.address() as AddressInfo).port}`;
  const env = envWithoutSettings();
  Object.assign(env, {
    BZ_DB: join(mkdtempSync(join(tmpdir(), 'bz-e2e-')), 'bz.db'),
    BZ_PORT: '0',
    BZ_DOH: DNS.doh,
    BZ_ALLOW_NETS: ALLOW_NETS,
    BZ_HELO_NAME: 'prober.world.test',
    BZ_MAIL_FROM: `e2e-${randomUUID().slice(0, 8)}@prober.world.test`,
    BZ_DOCTOR_HOSTS: '127.0.0.20:25',
    BZ_DNSBL_ZONES: 'clean.dnsbl.test',
    BZ_RATE_LIMIT_RPS: '0',
    BZ_SMTP_SESSIONS_PER_MINUTE: '600',
    BZ_JOB_RETRY_DELAY_MS: '4000',
    BZ_JOB_RETRY_MIN_MS: '1000',
    BZ_JOB_RETRY_MAX_MS: '10000',
    BZ_PLUGIN_GRAVATAR_ENABLED: 'true',
    BZ_PLUGIN_GRAVATAR_BASE_URL: `http://${avatarHost}`,
    BZ_PLUGIN_GRAVATAR_ALLOW_HOSTS: avatarHost,
    ...extraEnv,
  });
  const child = spawn(process.execPath, [BIN, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const io = { out: '', err: '' };
  child.stdout.on('data', (c: Buffer) => (io.out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (io.err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    await terminate(child, exited);
    await new Promise<void>((resolve) => avatars.server.close(() => resolve()));
  };
  try {
    await until(() => /listening on (http:\/\/\S+)/.test(io.err) && /^bz_\S+$/m.test(io.out), exited, 20_000, () => io.out + io.err);
    const url = /listening on (http:\/\/\S+)/.exec(io.err)![1]!;
    const key = /^(bz_\S+)$/m.exec(io.out)![1]!;
    await until(async () => ((await (await fetch(`${url}/v1/health`)).json()) as { agents: number }).agents > 0, exited, 20_000, () => io.err);
    return { url, key, avatarLookups: () => avatars.hits(), output: () => io.out + io.err, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function until(ready: () => boolean | Promise<boolean>, exited: Promise<number | null>, ms: number, log: () => string): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (let waited = 0; waited < ms; waited += 50) {
    if (await ready()) return;
    if (gone) throw new Error(`bouncezero start exited early:\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`bouncezero start not ready within ${ms} ms:\n${log()}`);
}

async function terminate(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function notFoundServer(): Promise<{ server: Server; hits(): number }> {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, hits: () => hits };
}
