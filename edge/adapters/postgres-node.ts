import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from '../store/migrate.ts';
import { nodeDeflate } from './deflate-node.ts';
import type { EdgeStore } from '../store/edge-store.ts';
import type { Database } from '../store/schema.ts';

// Epoch-ms columns are bigint (int8), counts are int8 too, and a SUM of int8 is numeric: pg
// hands all of those back as strings unless told otherwise. Every value we keep there is far
// below 2^53, so plain numbers are exact.
pg.types.setTypeParser(pg.types.builtins.INT8, Number);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, Number);

/**
 * Any fixed number: every edge that migrates takes this advisory lock first. kysely's migrator
 * reads the tables of every schema in the database by name, so a schema dropped meanwhile fails
 * it ("schema … does not exist"): whoever drops schemas beside edges (the tests) takes it too.
 */
export const MIGRATION_LOCK = 0x627a3030;

export interface PostgresOptions {
  /** Connections this process keeps open (BZ_PG_POOL): each edge's pool counts against max_connections. */
  poolSize?: number;
}

/**
 * The store on PostgreSQL (BZ_DB: a postgres:// URL, with ?sslmode=… as pg understands it),
 * migrated to the latest schema before it is returned. Several edges may open it at once: the
 * first to take the advisory lock migrates, the others find the work done.
 */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<Kysely<Database>> {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  // An idle connection the server dropped must not take the process down with it.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const lock = await pool.connect().catch(async (error: unknown) => {
    await db.destroy();
    throw new Error(`cannot open the store at ${redact(url)}: ${error instanceof Error ? error.message : String(error)}`);
  });
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const { rows } = await lock.query<{ schema: string }>('select current_schema() as schema');
    const migrated = await migrateToLatest(db, rows[0]?.schema);
    if (!migrated.ok) throw new Error(`cannot open the store at ${redact(url)}: ${migrated.error}`);
  } catch (error) {
    lock.release();
    await db.destroy();
    throw error;
  }
  await lock.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).finally(() => lock.release());
  return db;
}

/** A PostgreSQL server is there to be shared: every edge given its URL works it at once. */
export function postgresStore(db: Kysely<Database>): EdgeStore {
  return { db, sharedByEdges: true, deflate: nodeDeflate };
}

/** openPostgres, as a store that says what it can do. */
export async function openPostgresStore(url: string, options: PostgresOptions = {}): Promise<EdgeStore> {
  return postgresStore(await openPostgres(url, options));
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}
