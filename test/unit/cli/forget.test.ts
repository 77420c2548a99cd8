import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../../cli/commands/forget.ts';
import { openSqlite } from '../../../edge/adapters/sqlite-node.ts';

describe('bouncezero forget EMAIL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bz-forget-'));
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('erases the address from the store at BZ_DB and says what went', async () => {
    const path = join(dir, 'store.db');
    const db = await openSqlite(path);
    await db.insertInto('result_cache').values([
      { normalized: 'gone@x.test', result_json: '{}', expires_at: 1, stored_at: 1 },
      { normalized: 'stay@x.test', result_json: '{}', expires_at: 1, stored_at: 1 },
    ]).execute();
    await db.insertInto('outcomes').values({ normalized: 'gone@x.test', outcome: 'delivered', observed_at: 1, provider: null, features_json: null, features_version: null }).execute();
    await db.destroy();
    vi.stubEnv('BZ_DB', path);
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((text) => (out.push(String(text)), true));
    expect(await run('gone@X.TEST')).toBe(0);
    expect(out.join('')).toBe('erased gone@x.test: 0 job rows, 1 cached results, 1 outcomes, 0 breach-feed entries\n');
    const after = await openSqlite(path);
    expect(await after.selectFrom('result_cache').select('normalized').execute()).toEqual([{ normalized: 'stay@x.test' }]);
    expect(await after.selectFrom('outcomes').selectAll().execute()).toEqual([]);
    await after.destroy();
    rmSync(dir, { recursive: true, force: true });
  });
});
