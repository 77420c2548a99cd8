import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openSqlite } from '../../../edge/adapters/sqlite-node.ts';
import { enrollAgent } from '../../../edge/dispatch/agent-enrollment.ts';
import { createKyselyAgentStore } from '../../../edge/dispatch/kysely-agent-store.ts';
import { deriveAgentKey } from '../../../protocol/agent-auth.ts';
import { systemRandom } from '../../../protocol/index.ts';
import { FakeClock } from '../../support/fake-clock.ts';

describe('agent enrollment in the SQLite store', () => {
  it('keeps K only, never the secret; revokes by name; a name is reusable after revocation', async () => {
    const db = await openSqlite(':memory:');
    const store = createKyselyAgentStore(db);
    const clock = new FakeClock();
    const made = await enrollAgent(store, 'paris-1', { clock, random: systemRandom });
    if (!made.ok) throw new Error(made.error);
    expect(made.id).toMatch(/^agt_[0-9a-f]{16}$/);
    expect(made.secret).toMatch(/^[0-9a-f]{64}$/);

    const row = await store.findById(made.id);
    expect(row).toEqual({ id: made.id, name: 'paris-1', key: await deriveAgentKey(made.secret), created_at: clock.now(), revoked_at: null });
    const dump = JSON.stringify(await sql`select * from agents`.execute(db));
    expect(dump).not.toContain(made.secret);

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
