import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram, runCli } from '../../../cli/program.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'bin/bouncezero.js');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { writeOut: (t) => (out += t), writeErr: (t) => (err += t) });
  return { code, out, err };
}

function paths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.filter((c) => c.name() !== 'help').flatMap((c) => [[...prefix, c.name()], ...paths(c, [...prefix, c.name()])]);
}

/** The real binary, for what a command does rather than how it parses. */
function bouncezero(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  return new Promise((done) => child.on('close', (code) => done({ code, out, err })));
}

describe('the bouncezero command line', () => {
  it('lists every command in --help and says the exit codes', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    for (const name of ['start', 'edge', 'prober', 'agent', 'key', 'breach', 'model', 'config', 'verify', 'help']) expect(help.out).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    expect(help.out).toContain('Exit codes: 0');
  });

  it('answers --help on every command and subcommand, and `help <command>`', async () => {
    const all = paths(buildProgram(() => {}));
    expect(all.length).toBeGreaterThanOrEqual(15);
    for (const path of all) {
      const r = await cli(...path, '--help');
      expect(r.code, path.join(' ')).toBe(0);
      expect(r.out, path.join(' ')).toContain(`Usage: bouncezero ${path.join(' ')}`);
    }
    const viaHelp = await cli('help', 'verify');
    expect(viaHelp.out).toContain('--fail-on');
  });

  it('prints the package version', async () => {
    expect(await cli('--version')).toMatchObject({ code: 0, out: `${VERSION}\n` });
  });

  it('refuses unknown commands, options and values with exit code 2 and one hint', async () => {
    const unknown = await cli('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("unknown command 'frobnicate'");
    expect((await cli('prober', '--nope')).code).toBe(2);
    expect((await cli('prober', '--edge', 'ws://x')).err).toContain("required option '--id' not specified");
    expect((await cli('verify', '--format', 'xml', 'a@b.example')).err).toContain('Allowed choices are json, table, csv');
    expect((await cli('verify', '--fail-on', 'sometimes', 'a@b.example')).code).toBe(2);
    expect((await cli('start', '--capacity', '0')).code).toBe(2);
  });
});

describe('bouncezero commands, run as a process', () => {
  it('verify --fail-on makes exit code 1 when a verdict matches; --format csv and table print one row per address', async () => {
    const fail = await bouncezero(['verify', '--syntax-only', '--fail-on', 'undeliverable', 'alice@example.com', 'not an address']);
    expect(fail.code).toBe(1);
    expect(fail.out.trim().split('\n')).toHaveLength(2);
    const pass = await bouncezero(['verify', '--syntax-only', '--fail-on', 'undeliverable', '--format', 'csv', 'alice@example.com']);
    expect(pass.code).toBe(0);
    expect(pass.out).toBe('email,normalized,verdict,reason,score,reason_text\r\nalice@example.com,alice@example.com,unknown,syntax_ok,0.5,"The address is well-formed; only its syntax was checked, so delivery is not known."\r\n');
    const table = await bouncezero(['verify', '--syntax-only', '--format', 'table', 'not an address']);
    expect(table.out.split('\n')[0]).toMatch(/^email\s+normalized\s+verdict\s+reason\s+score\s+reason_text$/);
    expect(table.out.split('\n')[1]).toMatch(/^not an address\s+undeliverable\s+invalid_syntax\s+0\s+The address is not a valid RFC 5321 mailbox\.$/);
  });

  it('verify --format csv writes cells no spreadsheet executes (=1+1@example.com is a valid address)', async () => {
    const r = await bouncezero(['verify', '--syntax-only', '--format', 'csv', '=1+1@example.com']);
    expect(r.out.split('\r\n')[1]).toMatch(/^"'=1\+1@example\.com","'=1\+1@example\.com",unknown,syntax_ok,/);
  });

  it('key list without a database says so in one line, exit 1, and creates nothing', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'bz-cli-')), 'data', 'bouncezero.db');
    const r = await bouncezero(['key', 'list'], { BZ_DB: db });
    expect(r.code).toBe(1);
    expect(r.err).toBe(`no database at ${db} (BZ_DB): set BZ_DB to the edge's database, or run \`bouncezero start\` once to create it\n`);
    expect(existsSync(db)).toBe(false);
  });

  it('edge on a busy port: one line naming the port and BZ_PORT, exit 1', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const { port } = busy.address() as AddressInfo;
    try {
      const r = await bouncezero(['edge'], { BZ_PORT: String(port), BZ_DB: ':memory:' });
      expect(r.code).toBe(1);
      expect(r.err).toBe(`cannot listen on 127.0.0.1:${port}: the port is in use (set BZ_PORT to another port, or stop what uses it)\n`);
    } finally {
      busy.close();
    }
  });

  it('a bad URL or setting is one line and exit code 2', async () => {
    const url = await bouncezero(['verify', 'a@b.example', '--edge', 'edge.example:8080']);
    expect(url).toMatchObject({ code: 2, out: '' });
    expect(url.err).toContain('--edge (or BZ_EDGE) must be an http(s) URL');
    const ws = await bouncezero(['prober', '--edge', 'http://edge.example', '--id', 'a', '--secret-file', '/nonexistent']);
    expect(ws).toMatchObject({ code: 2, err: '--edge must be a ws:// or wss:// URL, got "http://edge.example"\n' });
    const setting = await bouncezero(['config'], { BZ_PORT: 'eighty' });
    expect(setting.code).toBe(2);
    expect(setting.err).toContain('BZ_PORT: expected a whole number');
  });

  it('config prints every setting with secrets masked', async () => {
    const r = await bouncezero(['config'], { BZ_API_KEY: 'k-0123456789abcdefghijklmnopqrstuv-secret' });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^BZ_API_KEY=\*\*\*\s+\(set\)$/m);
    expect(r.out).toMatch(/^BZ_EDGE=/m);
    expect(r.out).not.toContain('uv-secret');
  });
});
