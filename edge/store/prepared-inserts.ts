import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import { perAdapter, Slot, templateOf, type Template } from './prepared-query.ts';

/** Where a parameter's value comes from: [row within the statement, column]. */
type Cell = readonly [number, string];

/**
 * A multi-row insert (or upsert) built and compiled by kysely once per store and row count, then
 * run with new rows: kysely parses every value of every row it is given, which cost more CPU than
 * the database's run of the statement, and every row count is a new SQL text that the store
 * prepares again. Rows go `chunk` a statement and the rest in statements of powers of two, so a
 * store meets at most log2(chunk) + 2 texts of it. `build` gets rows of stand-ins, one for each
 * of `columns` (a column not named is left out of the insert), to be used only as values.
 * The answer is the statements to run, in order.
 */
export function preparedInserts<DB, R extends object, O = unknown>(columns: readonly (keyof R & string)[], build: (db: Kysely<DB>, rows: R[]) => Compilable<O>, chunk = 200) {
  const templates = perAdapter((_: Kysely<DB>) => new Map<number, Template<Cell>>());
  return (db: Kysely<DB>, rows: readonly R[]): CompiledQuery<O>[] => {
    const bySize = templates(db);
    const queries: CompiledQuery<O>[] = [];
    for (let from = 0; from < rows.length; ) {
      const left = rows.length - from;
      const size = left >= chunk ? chunk : 2 ** (31 - Math.clz32(left));
      let template = bySize.get(size);
      if (!template) {
        const standIns = Array.from({ length: size }, (_, row) => Object.fromEntries(columns.map((column) => [column, new Slot<Cell>([row, column])])) as R);
        template = templateOf<Cell>(build(db, standIns));
        bySize.set(size, template);
      }
      const at = from;
      const parameters = template.parts.map((part) => ('slot' in part ? (rows[at + part.slot[0]] as Record<string, unknown>)[part.slot[1]] : part.value));
      queries.push(CompiledQuery.raw(template.sql, parameters) as CompiledQuery<O>);
      from += size;
    }
    return queries;
  };
}
