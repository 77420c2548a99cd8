import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/** The verify pipeline's result cache: one row per normalized address, served until expires_at (ms). */
export const resultCacheMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('result_cache')
      .addColumn('normalized', 'text', (c) => c.primaryKey())
      .addColumn('result_json', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('result_cache_expires_at').on('result_cache').column('expires_at').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('result_cache').execute();
  },
};
