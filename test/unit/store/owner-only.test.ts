import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../../edge/adapters/sqlite-node.ts';
import { createDnsCacheStore } from '../../../edge/dns/dns-cache-store.ts';

const root = mkdtempSync(join(tmpdir(), 'bz-perm-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe.skipIf(process.platform === 'win32')('store files are the owner\'s only', () => {
  it('makes the data directory 0700 and the database, WAL and shared-memory files 0600, whatever the umask', async () => {
    const previous = process.umask(0o022);
    try {
      const dir = join(root, 'fresh', 'data');
      const path = join(dir, 'bz.db');
      const warnings: string[] = [];
      const db = await openSqlite(path, { warn: (p) => warnings.push(p) });
      await createDnsCacheStore(db).putMany([{ key: 'k', value: '{}', expiresAt: 1 }]);
      expect([modeOf(join(root, 'fresh')), modeOf(dir), modeOf(path), modeOf(`${path}-wal`), modeOf(`${path}-shm`)]).toEqual(['700', '700', '600', '600', '600']);
      expect(warnings).toEqual([]);
      await db.destroy();
    } finally {
      process.umask(previous);
    }
  });

  it('warns, naming the fix, about a directory or database others can read, and leaves them as they are', async () => {
    const dir = join(root, 'loose');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const path = join(dir, 'bz.db');
    writeFileSync(path, '');
    chmodSync(path, 0o644);
    const warnings: [string, string, string][] = [];
    const db = await openSqlite(path, { warn: (...w) => warnings.push(w) });
    await db.destroy();
    expect(warnings).toEqual([
      [dir, '0755', `chmod 700 '${dir}'`],
      [path, '0644', `chmod 600 '${path}'`],
    ]);
    expect(modeOf(path)).toBe('644');
  });
});
