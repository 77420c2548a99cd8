import type { Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import type { Database } from './schema.ts';
import { MIGRATIONS } from './migrations/index.ts';

export type MigrationOutcome = { ok: true; applied: string[] } | { ok: false; error: string; applied: string[] };

/**
 * Brings the schema to the latest migration; dialect-neutral (no file system involved).
 * `schema` names where kysely keeps its bookkeeping tables on PostgreSQL: without it kysely
 * finds them in any schema of the database, and a second schema there would never migrate.
 */
export async function migrateToLatest(db: Kysely<Database>, schema?: string): Promise<MigrationOutcome> {
  // Numbers are handed out ahead of time and features land in any order, so a store that already
  // ran 010 still runs 009 when it arrives; each migration touches its own tables only.
  const migrator = new Migrator({ db, provider: { getMigrations: async () => ({ ...MIGRATIONS }) }, allowUnorderedMigrations: true, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results = [] } = await migrator.migrateToLatest();
  const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
  if (error === undefined) return { ok: true, applied };
  const failed = results.find((r) => r.status === 'Error')?.migrationName;
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, applied, error: failed ? `migration ${failed} failed: ${message}` : message };
}
