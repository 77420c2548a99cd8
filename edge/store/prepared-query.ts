import { CompiledQuery, type Compilable, type Kysely } from 'kysely';

/** Stands for a value while a query is compiled; replaced by the caller's value at each run. */
export class Slot<K> {
  constructor(readonly key: K) {}
}

/** A compiled query's SQL and, for each of its parameters, the slot it came from or a constant of the build. */
export interface Template<K> {
  sql: string;
  parts: ({ slot: K } | { value: unknown })[];
}

/** Compiles a query built with Slot stand-ins, keeping which parameter each slot became. */
export function templateOf<K>(query: Compilable<unknown>): Template<K> {
  const compiled = query.compile();
  return { sql: compiled.sql, parts: compiled.parameters.map((p) => (p instanceof Slot ? { slot: p.key as K } : { value: p })) };
}

/**
 * What `make` gives, made once for each store on its first use there. By the store's adapter:
 * one process may hold stores of both engines, whose SQL differs; a transaction shares its
 * store's adapter.
 */
export function perAdapter<DB, T>(make: (db: Kysely<DB>) => T): (db: Kysely<DB>) => T {
  const byAdapter = new WeakMap<object, T>();
  return (db) => {
    const adapter = db.getExecutor().adapter;
    let made = byAdapter.get(adapter);
    if (made === undefined) {
      made = make(db);
      byAdapter.set(adapter, made);
    }
    return made;
  };
}

/**
 * A query built and compiled by kysely once, then run with new values: building and compiling
 * cost more CPU than SQLite's run of a small statement, and a bulk job runs the same few
 * statements for every item. `build` gets one stand-in per parameter name (typed as the value it
 * stands for) and must use each only where kysely binds a value (`=`, `set`, `in` lists of fixed
 * length), never inside SQL text. The SQL is each store's own dialect's, compiled on its first use there.
 */
export function preparedQuery<DB, P extends object, R = unknown>(build: (db: Kysely<DB>, p: P) => Compilable<R>) {
  const template = perAdapter((db: Kysely<DB>) => {
    const slots = new Proxy({}, { get: (_, name) => new Slot(String(name)) }) as P;
    return templateOf<string>(build(db, slots));
  });
  return (db: Kysely<DB>, values: P): CompiledQuery<R> => {
    const { sql, parts } = template(db);
    const parameters = parts.map((part) => ('slot' in part ? values[part.slot as keyof P] : part.value));
    return CompiledQuery.raw(sql, parameters) as CompiledQuery<R>;
  };
}
