import type { Kysely } from 'kysely';
import pg from 'pg';
import { onTestFinished } from 'vitest';
import { MIGRATION_LOCK, openPostgres, postgresStore } from '../../edge/adapters/postgres-node.ts';
import { openSqlite, sqliteStore } from '../../edge/adapters/sqlite-node.ts';
import type { Engine } from '../../edge/store/dialect.ts';
import type { EdgeStore } from '../../edge/store/edge-store.ts';
import type { Database } from '../../edge/store/schema.ts';

/**
 * The engines the store's suites run on: SQLite always, PostgreSQL when one answers at
 * BZ_TEST_PG (CI sets it, after test/world/postgres.sh start) or at the world's default URL.
 * When BZ_TEST_PG is set and nothing answers there, loading this module fails: CI must not
 * quietly test one engine only.
 */
export const TEST_PG_URL = process.env.BZ_TEST_PG?.trim() || 'postgres://bz@127.0.0.1:5433/bz_test';

export interface StoreEngine {
  name: Engine;
  /** A fresh, migrated, empty store, closed (and on PostgreSQL dropped) when the test ends. */
  open(): Promise<Kysely<Database>>;
  /** The same, as its adapter tells what it can do (several edges on it or one). */
  openStore(): Promise<EdgeStore>;
}

const sqlite: StoreEngine = {
  name: 'sqlite',
  async open() {
    const db = await openSqlite(':memory:');
    onTestFinished(() => db.destroy());
    return db;
  },
  openStore: () => sqlite.open().then(sqliteStore),
};

const postgres: StoreEngine = {
  name: 'postgres',
  open: () => openPostgresSchema().then(({ db }) => db),
  openStore: () => postgres.open().then(postgresStore),
};

/**
 * A fresh store on the test PostgreSQL in a schema of its own (tests in parallel files never see
 * each other's rows); `url` reaches the same schema, for child processes.
 */
export async function openPostgresSchema(options: { poolSize?: number; keep?: boolean } = {}): Promise<{ db: Kysely<Database>; url: string; drop(): Promise<void> }> {
  const schema = `t_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e9).toString(36)}`;
  await admin(`create schema ${schema}`);
  const url = withSearchPath(TEST_PG_URL, schema);
  const db = await openPostgres(url, options.poolSize ? { poolSize: options.poolSize } : {}).catch(async (error: unknown) => {
    await dropSchema(schema);
    throw error;
  });
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await db.destroy();
    await dropSchema(schema);
  };
  if (!options.keep) onTestFinished(drop);
  return { db, url, drop };
}

function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

/** Waits for any edge's migration (MIGRATION_LOCK): its look at every schema's tables fails on one dropped under it. */
function dropSchema(schema: string): Promise<void> {
  return admin(`select pg_advisory_lock(${MIGRATION_LOCK}); drop schema ${schema} cascade; select pg_advisory_unlock(${MIGRATION_LOCK})`);
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function postgresAnswers(): Promise<boolean> {
  try {
    await admin('select 1');
    return true;
  } catch (error) {
    if (process.env.BZ_TEST_PG) throw new Error(`BZ_TEST_PG=${process.env.BZ_TEST_PG} does not answer: ${String(error)}`);
    return false;
  }
}

export const PG_AVAILABLE = await postgresAnswers();

/** Pass to describe.each: `describe.each(STORE_ENGINES)('… on $name', ({ open }) => …)`. */
export const STORE_ENGINES: StoreEngine[] = PG_AVAILABLE ? [sqlite, postgres] : [sqlite];
