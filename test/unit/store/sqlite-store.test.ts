import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../../edge/adapters/sqlite-node.ts';
import { createDnsCacheStore } from '../../../edge/dns/dns-cache-store.ts';
import { MIGRATIONS } from '../../../edge/store/migrations/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'bz-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openSqlite', () => {
  it('migrates an in-memory database to the latest schema', async () => {
    const db = await openSqlite(':memory:');
    const applied = await db.selectFrom('kysely_migration' as never).select(sql<string>`name`.as('name')).execute();
    expect(applied.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS));
    await db.insertInto('dns_cache').values({ key: 'k', value: '{}', expires_at: 1 }).execute();
    await db.destroy();
  });

  it('creates the parent directory, uses WAL, and reopens without migrating again', async () => {
    const path = join(dir, 'nested', 'deeper', 'bz.db');
    const db = await openSqlite(path);
    expect(existsSync(path)).toBe(true);
    const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
    expect(mode.rows[0]?.journal_mode).toBe('wal');
    const busy = await sql<{ timeout: number }>`pragma busy_timeout`.execute(db);
    expect(busy.rows[0]?.timeout).toBeGreaterThan(0);
    await createDnsCacheStore(db).putMany([{ key: 'world.test/MX', value: '{"x":1}', expiresAt: 42 }]);
    await db.destroy();

    const again = await openSqlite(path);
    expect(await createDnsCacheStore(again).get('world.test/MX')).toEqual({ value: '{"x":1}', expiresAt: 42 });
    const applied = await again.selectFrom('kysely_migration' as never).select(sql<number>`count(*)`.as('n')).executeTakeFirst();
    expect(applied?.n).toBe(Object.keys(MIGRATIONS).length);
    await again.destroy();
  });
});

describe('migrations', () => {
  it('are named NNN-what, in order, one file each', () => {
    const names = Object.keys(MIGRATIONS);
    expect(names).toEqual([...names].sort());
    for (const name of names) expect(name).toMatch(/^\d{3}-[a-z0-9-]+$/);
    const files = readdirSync(join(import.meta.dirname, '../../../edge/store/migrations')).filter((f) => f !== 'index.ts');
    for (const name of names) expect(files).toContain(`${name}.ts`);
  });
});

describe('DNS cache store', () => {
  it('gets, replaces and purges rows', async () => {
    const db = await openSqlite(':memory:');
    const store = createDnsCacheStore(db);
    expect(await store.get('a/A')).toBeNull();
    await store.putMany([{ key: 'a/A', value: 'one', expiresAt: 100 }]);
    await store.putMany([{ key: 'a/A', value: 'two', expiresAt: 200 }]);
    await store.putMany([{ key: 'b/A', value: 'three', expiresAt: 300 }]);
    expect(await store.get('a/A')).toEqual({ value: 'two', expiresAt: 200 });
    expect(await store.purgeExpired(250)).toBe(1);
    expect(await store.get('a/A')).toBeNull();
    expect(await store.get('b/A')).toEqual({ value: 'three', expiresAt: 300 });
    await db.destroy();
  });
});
