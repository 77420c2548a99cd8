import { describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { preparedQuery } from '../../../edge/store/prepared-query.ts';
import type { Database } from '../../../edge/store/schema.ts';
import { STORE_ENGINES } from '../../support/store-engines.ts';

const T = 1_795_000_000_000;

// One for every engine, as a module's own is: each store must get its own dialect's SQL.
let builds = 0;
const upsert = preparedQuery((db: Kysely<Database>, p: { key: string; json: string; at: number }) => {
  builds++;
  return db
    .insertInto('result_cache')
    .values({ normalized: p.key, result_json: p.json, expires_at: p.at, stored_at: T })
    .onConflict((oc) => oc.column('normalized').doUpdateSet({ result_json: p.json, expires_at: T }));
});

describe.each(STORE_ENGINES)('preparedQuery on $name', (engine) => {
  it('builds once per store and runs each time with the values given, the constants of the build kept', async () => {
    const db = await engine.open();
    const before = builds;
    await db.executeQuery(upsert(db, { key: 'a', json: 'one', at: T + 1 }));
    await db.executeQuery(upsert(db, { key: 'b', json: 'two', at: T + 2 }));
    // A transaction is the same store: nothing is built again.
    await db.transaction().execute((trx) => trx.executeQuery(upsert(trx, { key: 'a', json: 'three', at: T + 3 })));
    expect(builds - before).toBe(1);
    const rows = await db.selectFrom('result_cache').select(['normalized', 'result_json', 'expires_at']).orderBy('normalized').execute();
    expect(rows.map((r) => ({ ...r, expires_at: Number(r.expires_at) }))).toEqual([
      { normalized: 'a', result_json: 'three', expires_at: T },
      { normalized: 'b', result_json: 'two', expires_at: T + 2 },
    ]);
  });
});
