import { CompiledQuery, type Compilable, type Kysely } from 'kysely';

/** Stands for a parameter while the query is compiled; replaced by the caller's value at each run. */
class Slot {
  constructor(readonly name: string) {}
}

type Part = { slot: string } | { value: unknown };

/**
 * A query built and compiled by kysely once, then run with new values: building and compiling
 * cost more CPU than SQLite's run of a small statement, and a bulk job runs the same few
 * statements for every item. `build` gets one stand-in per parameter name (typed as the value it
 * stands for) and must use each only where kysely binds a value (`=`, `set`, `in` lists of fixed
 * length), never inside SQL text. The SQL is each store's own dialect's, compiled on its first use there.
 */
export function preparedQuery<DB, P extends object, R = unknown>(build: (db: Kysely<DB>, p: P) => Compilable<R>) {
  // By the store's adapter: one process may hold stores of both engines, whose SQL differs; a
  // transaction shares its store's adapter.
  const byAdapter = new WeakMap<object, { sql: string; parts: Part[] }>();
  return (db: Kysely<DB>, values: P): CompiledQuery<R> => {
    const adapter = db.getExecutor().adapter;
    let compiled = byAdapter.get(adapter);
    if (!compiled) {
      const slots = new Proxy({}, { get: (_, name) => new Slot(String(name)) }) as P;
      const query = build(db, slots).compile();
      compiled = { sql: query.sql, parts: query.parameters.map((p) => (p instanceof Slot ? { slot: p.name } : { value: p })) };
      byAdapter.set(adapter, compiled);
    }
    const parameters = compiled.parts.map((part) => ('slot' in part ? values[part.slot as keyof P] : part.value));
    return CompiledQuery.raw(compiled.sql, parameters) as CompiledQuery<R>;
  };
}
