import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import { migrateToLatest } from '../store/migrate.ts';
import type { Database } from '../store/schema.ts';

/** The part of node:sqlite's StatementSync this adapter uses (Node 20's types do not know the module). */
interface StatementSync {
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(...params: unknown[]): IterableIterator<unknown>;
  columns(): unknown[];
}

/** node:sqlite binds no booleans; SQLite stores them as 0/1 anyway. */
const bindable = (params: readonly unknown[]) => params.map((p) => (typeof p === 'boolean' ? Number(p) : p));

/**
 * The store in memory on Deno's built-in SQLite (`node:sqlite`), migrated like any other: the
 * edge's store where better-sqlite3, a Node addon, cannot load.
 */
export async function openMemorySqlite(): Promise<Kysely<Database>> {
  const specifier = 'node:sqlite';
  const { DatabaseSync } = (await import(specifier)) as { DatabaseSync: new (path: string) => { prepare(sql: string): StatementSync; close(): void } };
  const raw = new DatabaseSync(':memory:');
  const database: SqliteDatabase = {
    close: () => raw.close(),
    prepare(sql) {
      const statement = raw.prepare(sql);
      return {
        reader: statement.columns().length > 0,
        all: (params) => statement.all(...bindable(params)),
        run: (params) => statement.run(...bindable(params)),
        iterate: (params) => statement.iterate(...bindable(params)),
      };
    },
  };
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  const migrated = await migrateToLatest(db);
  if (!migrated.ok) throw new Error(`cannot open the in-memory store: ${migrated.error}`);
  return db;
}
