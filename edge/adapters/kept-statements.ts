import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * The database as kysely sees it, with each SQL text prepared once and kept: kysely's SQLite
 * driver prepares every query it runs, and preparing cost as much CPU as running the query on
 * a bulk job's small statements. The most recently used `max` texts are kept (an `in (…)` list
 * of each length is its own text). A kept statement is never iterated: an open iterator would
 * make it busy for every other caller, so streaming prepares its own.
 */
export function keptStatements(db: SqliteDatabase, max = 256): SqliteDatabase {
  const kept = new Map<string, SqliteStatement>();
  return {
    prepare(sql) {
      const hit = kept.get(sql);
      if (hit) {
        // Re-inserted so the Map's order is the order of last use.
        kept.delete(sql);
        kept.set(sql, hit);
        return hit;
      }
      const statement = db.prepare(sql);
      const entry: SqliteStatement = {
        reader: statement.reader,
        all: (parameters) => statement.all(parameters),
        run: (parameters) => statement.run(parameters),
        iterate: (parameters) => db.prepare(sql).iterate(parameters),
      };
      kept.set(sql, entry);
      if (kept.size > max) kept.delete(kept.keys().next().value!);
      return entry;
    },
    close() {
      kept.clear();
      db.close();
    },
  };
}
