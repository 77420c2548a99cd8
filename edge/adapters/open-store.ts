import type { EdgeStore } from '../store/edge-store.ts';
import { openPostgresStore, type PostgresOptions } from './postgres-node.ts';
import { openSqliteStore } from './sqlite-node.ts';

/** True when BZ_DB names a PostgreSQL server rather than a SQLite file. */
export function isPostgresUrl(setting: string): boolean {
  return /^postgres(ql)?:\/\//i.test(setting);
}

/**
 * The store BZ_DB names, opened and migrated: a postgres:// (or postgresql://) URL opens
 * PostgreSQL, anything else is a SQLite file path or `:memory:`. The adapter that opens it says
 * what it can do (EdgeStore).
 */
export function openStore(setting: string, options: PostgresOptions = {}): Promise<EdgeStore> {
  return isPostgresUrl(setting) ? openPostgresStore(setting, options) : openSqliteStore(setting);
}
