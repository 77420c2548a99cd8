import SqliteDatabase from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { keptStatements } from '../../../edge/adapters/kept-statements.ts';

/** better-sqlite3 in memory, counting what is prepared. */
function counted() {
  const raw = new SqliteDatabase(':memory:');
  raw.exec('create table t (n integer)');
  const prepared: string[] = [];
  return { prepared, db: { prepare: (sql: string) => (prepared.push(sql), raw.prepare(sql)), close: () => raw.close() } };
}

describe('keptStatements', () => {
  it('prepares each SQL text once, however often it runs', () => {
    const { db, prepared } = counted();
    const kept = keptStatements(db);
    for (let n = 0; n < 5; n++) kept.prepare('insert into t (n) values (?)').run([n]);
    for (let i = 0; i < 3; i++) expect(kept.prepare('select count(*) as c from t').all([])).toEqual([{ c: 5 }]);
    expect(prepared).toEqual(['insert into t (n) values (?)', 'select count(*) as c from t']);
  });

  it('keeps the most recently used texts only', () => {
    const { db, prepared } = counted();
    const kept = keptStatements(db, 2);
    const a = 'select 1 as n', b = 'select 2 as n', c = 'select 3 as n';
    for (const sql of [a, b, a, c, a, b]) kept.prepare(sql).all([]);
    // b was the least recently used when c came, so only b is prepared again.
    expect(prepared).toEqual([a, b, c, b]);
  });

  it('iterates on a statement of its own, so a kept one is never left busy', () => {
    const { db, prepared } = counted();
    const kept = keptStatements(db);
    kept.prepare('insert into t (n) values (?)').run([1]);
    kept.prepare('insert into t (n) values (?)').run([2]);
    const rows = kept.prepare('select n from t order by n').iterate([]);
    expect(rows.next().value).toEqual({ n: 1 });
    // The same text runs to the end while the iterator is still open.
    expect(kept.prepare('select n from t order by n').all([])).toEqual([{ n: 1 }, { n: 2 }]);
    expect(prepared.filter((sql) => sql.startsWith('select'))).toHaveLength(2);
  });
});
