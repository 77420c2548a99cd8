import { PostgresAdapter, sql, type ColumnDataType, type ColumnDefinitionBuilder, type Kysely, type RawBuilder } from 'kysely';

/** The engines the one set of migrations and queries runs on. */
export type Engine = 'sqlite' | 'postgres';

/** Which engine a Kysely instance talks to, read from its dialect's adapter. */
export function engineOf(db: Kysely<any>): Engine {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

type ColumnSpec = [ColumnDataType, (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder];

/**
 * An auto-numbered primary key, as `.addColumn('id', ...autoId(db))`: SQLite's AUTOINCREMENT
 * keyword is a syntax error on PostgreSQL, whose equivalent is a `serial` column.
 */
export function autoId(db: Kysely<any>): ColumnSpec {
  return engineOf(db) === 'postgres' ? ['serial', (c) => c.primaryKey()] : ['integer', (c) => c.primaryKey().autoIncrement()];
}

/** A float column: SQLite's `real` is 8 bytes, PostgreSQL's only 4. */
export function float(db: Kysely<any>): ColumnDataType {
  return engineOf(db) === 'postgres' ? 'double precision' : 'real';
}

/**
 * The end of a SELECT whose rows another writer may be taking at once: on PostgreSQL each
 * statement locks the rows of `alias` it picks and passes over those already locked; SQLite has
 * one writer (and no such clause), so nothing is added.
 */
export function skipLockedRows(db: Kysely<any>, alias: string): RawBuilder<unknown> {
  return engineOf(db) === 'postgres' ? sql`FOR UPDATE OF ${sql.ref(alias)} SKIP LOCKED` : sql``;
}
