import { Kysely, sql, SqliteDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import SqliteDatabase from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSqlite } from '../../../edge/adapters/sqlite-node.ts';
import { enrollAgent } from '../../../edge/dispatch/agent-enrollment.ts';
import { createKyselyAgentStore } from '../../../edge/dispatch/kysely-agent-store.ts';
import { migrateToLatest } from '../../../edge/store/migrate.ts';
import { MIGRATIONS } from '../../../edge/store/migrations/index.ts';
import type { Database } from '../../../edge/store/schema.ts';
import { agentPublicKey, deriveAgentKey, signChallenge, verifyChallenge } from '../../../protocol/agent-auth.ts';
import { systemRandom } from '../../../protocol/index.ts';
import { FakeClock } from '../../support/fake-clock.ts';

describe('agent enrollment in the SQLite store', () => {
  it('keeps the public key only, neither the secret nor K; revokes by name; a name is reusable after revocation', async () => {
    const db = await openSqlite(':memory:');
    const store = createKyselyAgentStore(db);
    const clock = new FakeClock();
    const made = await enrollAgent(store, 'paris-1', { clock, random: systemRandom });
    if (!made.ok) throw new Error(made.error);
    expect(made.id).toMatch(/^agt_[0-9a-f]{16}$/);
    expect(made.secret).toMatch(/^[0-9a-f]{64}$/);

    const row = await store.findById(made.id);
    const key = await deriveAgentKey(made.secret);
    expect(row).toEqual({ id: made.id, name: 'paris-1', public_key: await agentPublicKey(key), created_at: clock.now(), revoked_at: null });
    const dump = JSON.stringify(await sql`select * from agents`.execute(db));
    expect(dump).not.toContain(made.secret);
    expect(dump).not.toContain(key);

    expect(await enrollAgent(store, 'paris-1', { clock, random: systemRandom })).toMatchObject({ ok: false });
    expect(await enrollAgent(store, 'bad name; drop', { clock, random: systemRandom })).toMatchObject({ ok: false });
    expect(await store.revoke('paris-1', clock.now() + 1)).toBe(true);
    expect(await store.revoke('paris-1', clock.now() + 2)).toBe(false);
    expect((await store.findById(made.id))?.revoked_at).toBe(clock.now() + 1);
    await clock.advance(10);
    const again = await enrollAgent(store, 'paris-1', { clock, random: systemRandom });
    expect(again.ok && again.id !== made.id).toBe(true);
    expect((await store.findByName('paris-1'))?.revoked_at).toBeNull();
    expect(await store.list()).toHaveLength(2);
    await db.destroy();
  });
});

describe('migration 009: HMAC keys become public keys', () => {
  it('turns each stored K into its public key and drops K; the prober\'s secret still answers', async () => {
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }) });
    const before = new Migrator({ db, provider: { getMigrations: async () => ({ ...MIGRATIONS }) } });
    expect((await before.migrateTo('008-domain-leases')).error).toBeUndefined();
    const secret = 'cd'.repeat(32);
    const key = await deriveAgentKey(secret);
    await sql`insert into agents (id, name, key, created_at, revoked_at) values ('agt_old', 'old', ${key}, 1, null)`.execute(db);
    expect((await migrateToLatest(db)).ok).toBe(true);

    const rows = await sql<Record<string, unknown>>`select * from agents`.execute(db);
    expect(rows.rows).toEqual([{ id: 'agt_old', name: 'old', public_key: await agentPublicKey(key), created_at: 1, revoked_at: null }]);
    expect(JSON.stringify(rows.rows)).not.toContain(key);
    const stored = await createKyselyAgentStore(db).findById('agt_old');
    const sig = await signChallenge(await deriveAgentKey(secret), 'n'.repeat(32), 'agt_old', 5);
    expect(await verifyChallenge(stored!.public_key, 'n'.repeat(32), 'agt_old', 5, sig)).toBe(true);
    expect(await verifyChallenge(stored!.public_key, 'n'.repeat(32), 'agt_old', 6, sig)).toBe(false);
    await db.destroy();
  });
});
