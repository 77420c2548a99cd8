import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/** Local breach feeds (`bouncezero breach import`): SHA-256 of lower-cased addresses, never the addresses. */
export const breachFeedMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('breach_hashes')
      .addColumn('hash', 'text', (c) => c.primaryKey())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('imported_at', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('breach_hashes').execute();
  },
};
