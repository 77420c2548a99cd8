import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/** API keys made by `bouncezero key add`: only the SHA-256 of each key is kept. */
export const apiKeysMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('key_hash', 'text', (c) => c.notNull().unique())
      .addColumn('hint', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .execute();
    await db.schema.createIndex('api_keys_name').on('api_keys').column('name').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('api_keys').execute();
  },
};
