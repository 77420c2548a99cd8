import { closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** Told of a file or directory that others than its owner may read; one JSON line on stderr by default. */
export type LooseWarning = (path: string, mode: string, fix: string) => void;

export const warnOnStderr: LooseWarning = (path, mode, fix) => {
  console.error(JSON.stringify({ at: new Date().toISOString(), event: 'loose_permissions', path, mode, fix }));
};

/**
 * The store and its secrets are for the edge's user only: a missing directory is made 0700 and
 * a missing file 0600 (SQLite gives its -wal and -shm files the database file's mode). What
 * already exists is the operator's and is not changed, but anything group- or world-accessible
 * is reported with the command that fixes it.
 */
export function ownerOnlyFile(path: string, warn: LooseWarning = warnOnStderr): void {
  if (process.platform === 'win32') return;
  const dir = dirname(path);
  if (existsSync(dir)) check(dir, 0o700, warn);
  else mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (existsSync(path)) check(path, 0o600, warn);
  else closeSync(openSync(path, 'a', 0o600));
  for (const companion of [`${path}-wal`, `${path}-shm`]) if (existsSync(companion)) check(companion, 0o600, warn);
}

function check(path: string, wanted: number, warn: LooseWarning): void {
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) warn(path, `0${mode.toString(8)}`, `chmod ${wanted.toString(8)} '${path.replace(/'/g, `'\\''`)}'`);
}
