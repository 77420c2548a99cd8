import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Migrations take Kysely<any>: they must keep working against the schema as it was when they
 * were written, not against today's Database type.
 */
export const dnsCache: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('dns_cache')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('dns_cache_expires_at').on('dns_cache').column('expires_at').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('dns_cache').execute();
  },
};
