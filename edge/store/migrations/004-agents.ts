import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/** Prober agents made by `bouncezero agent add`: the derived HMAC key K only, never the secret. */
export const agentsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('agents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .execute();
    await db.schema.createIndex('agents_name').on('agents').column('name').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('agents').execute();
  },
};
