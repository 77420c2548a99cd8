import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import { migrateToLatest } from '../store/migrate.ts';
import type { EdgeStore } from '../store/edge-store.ts';
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
 * The store on Deno's built-in SQLite (`node:sqlite`), migrated like any other: the edge's store
 * where better-sqlite3, a Node addon, cannot load. `path` is a file (its folder is made) or
 * `:memory:`; the file format is SQLite's own, so Node's adapter opens the same file.
 */
export async function openDenoSqlite(path: string): Promise<Kysely<Database>> {
  const sqliteModule = 'node:sqlite';
  const fsModule = 'node:fs';
  const { DatabaseSync } = (await import(sqliteModule)) as { DatabaseSync: new (path: string) => { prepare(sql: string): StatementSync; exec(sql: string): void; close(): void } };
  if (path !== ':memory:') {
    const { mkdirSync } = (await import(fsModule)) as { mkdirSync(path: string, options: { recursive: true; mode: number }): void };
    const folder = path.slice(0, Math.max(0, path.lastIndexOf('/')));
    if (folder) mkdirSync(folder, { recursive: true, mode: 0o700 });
  }
  const raw = new DatabaseSync(path);
  if (path !== ':memory:') raw.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;');
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
  if (!migrated.ok) throw new Error(`cannot open the store at ${path}: ${migrated.error}`);
  return db;
}

/** openDenoSqlite, as a store that says what it can do: a SQLite file is one edge's. */
export async function openDenoSqliteStore(path: string): Promise<EdgeStore> {
  return { db: await openDenoSqlite(path), sharedByEdges: false };
}

/** The store in memory on Deno's SQLite (tests). */
export function openMemorySqlite(): Promise<Kysely<Database>> {
  return openDenoSqlite(':memory:');
}
