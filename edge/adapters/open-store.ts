import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { openPostgres, type PostgresOptions } from './postgres-node.ts';
import { openSqlite } from './sqlite-node.ts';

/** True when BZ_DB names a PostgreSQL server rather than a SQLite file. */
export function isPostgresUrl(setting: string): boolean {
  return /^postgres(ql)?:\/\//i.test(setting);
}

/**
 * The store BZ_DB names, opened and migrated: a postgres:// (or postgresql://) URL opens
 * PostgreSQL, anything else is a SQLite file path or `:memory:`.
 */
export function openStore(setting: string, options: PostgresOptions = {}): Promise<Kysely<Database>> {
  return isPostgresUrl(setting) ? openPostgres(setting, options) : openSqlite(setting);
}
