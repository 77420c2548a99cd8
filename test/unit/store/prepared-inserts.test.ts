import { describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { preparedInserts } from '../../../edge/store/prepared-inserts.ts';
import type { Database } from '../../../edge/store/schema.ts';
import type { DnsCacheTable } from '../../../edge/store/tables/caches.ts';
import { STORE_ENGINES } from '../../support/store-engines.ts';

const T = 1_795_000_000_000;

// One for every engine, as a module's own is: each store builds its own dialect's SQL.
const built: number[] = [];
const upsert = preparedInserts(
  ['key', 'value', 'expires_at'],
  (db: Kysely<Database>, rows: DnsCacheTable[]) => {
    built.push(rows.length);
    return db
      .insertInto('dns_cache')
      .values(rows)
      .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), expires_at: eb.ref('excluded.expires_at') })))
      .returning(['key']);
  },
  8,
);

const rowsOf = (n: number, value: string) => Array.from({ length: n }, (_, i) => ({ key: `k${String(i).padStart(3, '0')}`, value: `${value}${i}`, expires_at: T + i }));

describe.each(STORE_ENGINES)('preparedInserts on $name', (engine) => {
  it('writes in chunks, the rest in powers of two, each row count built once per store', async () => {
    const db = await engine.open();
    built.length = 0;
    // 21 rows at 8 a statement: 8 + 8 + 4 + 1.
    const first = upsert(db, rowsOf(21, 'a'));
    expect(first.map((q) => q.parameters.length)).toEqual([24, 24, 12, 3]);
    expect(built).toEqual([8, 4, 1]);
    for (const query of first) await db.executeQuery(query);
    // Sizes met before are not built again; 7 rows are 4 + 2 + 1.
    expect(upsert(db, rowsOf(7, 'b')).map((q) => q.parameters.length)).toEqual([12, 6, 3]);
    expect(upsert(db, rowsOf(29, 'c'))).toHaveLength(5);
    expect(built).toEqual([8, 4, 1, 2]);
    expect(upsert(db, [])).toEqual([]);
  });

  it('binds every row in order, upserts and returns what the statements return', async () => {
    const db = await engine.open();
    for (const query of upsert(db, rowsOf(13, 'a'))) await db.executeQuery(query);
    const returned: string[] = [];
    for (const query of upsert(db, rowsOf(5, 'b'))) returned.push(...(await db.executeQuery(query)).rows.map((r) => r.key));
    expect(returned.sort()).toEqual(rowsOf(5, '').map((r) => r.key));
    const rows = await db.selectFrom('dns_cache').select(['key', 'value', 'expires_at']).orderBy('key').execute();
    expect(rows.map((r) => ({ ...r, expires_at: Number(r.expires_at) }))).toEqual([...rowsOf(5, 'b'), ...rowsOf(13, 'a').slice(5)]);
    // Inside a transaction, the store's statements are the same ones.
    await db.transaction().execute(async (trx) => {
      for (const query of upsert(trx, rowsOf(2, 'c'))) await trx.executeQuery(query);
    });
    expect((await db.selectFrom('dns_cache').select(sql<number>`cast(count(*) as integer)`.as('n')).executeTakeFirstOrThrow()).n).toBe(13);
  });
});
