import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { keptStatements } from './kept-statements.ts';
import { migrateToLatest } from '../store/migrate.ts';
import { nodeDeflate } from './deflate-node.ts';
import type { EdgeStore } from '../store/edge-store.ts';
import type { Database } from '../store/schema.ts';
import { ownerOnlyFile, type LooseWarning } from './owner-only.ts';

/**
 * The store on SQLite through better-sqlite3 (BZ_DB: a file path or `:memory:`), migrated to
 * the latest schema before it is returned. WAL lets readers run beside the one writer;
 * busy_timeout makes a writer wait for the lock instead of failing at once; synchronous=NORMAL
 * is safe with WAL and spares an fsync per commit. Statements are prepared once (kept-statements.ts). The files are the edge user's only (owner-only.ts).
 */
export async function openSqlite(path: string, options: { warn?: LooseWarning } = {}): Promise<Kysely<Database>> {
  return (await openSqliteWithHandle(path, options)).db;
}

async function openSqliteWithHandle(path: string, options: { warn?: LooseWarning }): Promise<{ db: Kysely<Database>; sqlite: SqliteDatabase.Database }> {
  if (path !== ':memory:' && !path.startsWith('file:')) ownerOnlyFile(path, options.warn);
  const sqlite = new SqliteDatabase(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // Deleted rows (a purged job, an erased address) are overwritten, not left in free pages of the file.
  sqlite.pragma('secure_delete = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: keptStatements(sqlite) }) });
  const migrated = await migrateToLatest(db);
  if (!migrated.ok) {
    await db.destroy();
    throw new Error(`cannot open the store at ${path}: ${migrated.error}`);
  }
  return { db, sqlite };
}

/** A SQLite file is one edge's: no other edge works it at once. */
export function sqliteStore(db: Kysely<Database>): EdgeStore {
  return { db, sharedByEdges: false, deflate: nodeDeflate };
}

/** openSqlite, as a store that says what it can do, and tells when another connection (the CLI) wrote to it. */
export async function openSqliteStore(path: string, options: { warn?: LooseWarning } = {}): Promise<EdgeStore> {
  const { db, sqlite } = await openSqliteWithHandle(path, options);
  const version = sqlite.prepare('PRAGMA data_version').pluck();
  // Read once per turn of the event loop: the pragma costs about half a small query (a read
  // transaction's locks), and what another process commits meanwhile is as if it came a turn later.
  let known: number | null = null;
  const dataVersion = () => {
    if (known === null) {
      known = version.get() as number;
      setImmediate(() => (known = null));
    }
    return known;
  };
  return { ...sqliteStore(db), dataVersion };
}
