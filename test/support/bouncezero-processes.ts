/**
 * Real `bouncezero edge` and `bouncezero prober` processes against the test world, for the
 * fault suite and the bulk bench: each on its own, so one can be killed and its memory read.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALLOW_NETS, DNS } from '../world/world.ts';
import { envWithoutSettings } from './env-without-settings.ts';

const BIN = join(import.meta.dirname, '../../bin/bouncezero.js');
export const PROCESS_KEY = 'processes-key-0123456789abcdefghijklmn';

/** The environment without inherited BZ_*, then the world's settings, then `extra`. */
export function worldEnv(db: string, extra: Record<string, string> = {}): Record<string, string> {
  const env = envWithoutSettings();
  return {
    ...env,
    BZ_DB: db,
    BZ_PORT: '0',
    BZ_DOH: DNS.doh,
    BZ_ALLOW_NETS: ALLOW_NETS,
    BZ_API_KEY: PROCESS_KEY,
    BZ_DOCTOR_HOSTS: '',
    BZ_DNSBL_ZONES: '',
    BZ_HELO_NAME: 'prober.world.test',
    BZ_MAIL_FROM: 'verify@prober.world.test',
    BZ_RATE_LIMIT_RPS: '0',
    ...extra,
  };
}

export function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'bz-proc-')), 'bz.db');
}

export interface Running {
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Everything the process wrote to stderr so far. */
  log(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

function launch(args: string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-20_000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    log: () => err,
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** `bouncezero agent add NAME`: its id and a 0600 secret file. */
export function addAgent(env: Record<string, string>, name: string): { id: string; secretFile: string } {
  const out = spawnSync(process.execPath, [BIN, 'agent', 'add', name], { env, encoding: 'utf8' });
  const id = /id\s+(agt_\w+)/.exec(out.stdout)?.[1];
  const secret = /secret\s+([0-9a-f]{64})/.exec(out.stdout)?.[1];
  if (!id || !secret) throw new Error(`agent add failed: ${out.stdout}${out.stderr}`);
  const secretFile = join(mkdtempSync(join(tmpdir(), 'bz-agent-')), `${name}.secret`);
  writeFileSync(secretFile, `${secret}\n`, { mode: 0o600 });
  return { id, secretFile };
}

export interface RunningEdge extends Running {
  url: string;
  agentUrl: string;
}

export async function startEdge(env: Record<string, string>, limitMs = 30_000): Promise<RunningEdge> {
  const running = launch(['edge'], env);
  const deadline = Date.now() + limitMs;
  for (;;) {
    const m = /listening on (https?:\/\/\S+) \(agents: (wss?:\/\/\S+)\)/.exec(running.log());
    if (m) return { ...running, url: m[1]!, agentUrl: m[2]! };
    if (running.child.exitCode !== null || Date.now() > deadline) throw new Error(`the edge did not start: ${running.log()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function startProber(env: Record<string, string>, agentUrl: string, agent: { id: string; secretFile: string }, capacity = 8): Running {
  return launch(['prober', '--edge', agentUrl, '--id', agent.id, '--secret-file', agent.secretFile, '--capacity', String(capacity)], env);
}

/** VmRSS and VmHWM (peak) of a process, in MB. */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}
