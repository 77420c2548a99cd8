import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Which edge may send a domain's probes right now (edge/dispatch/domain-leases.ts): with several
 * edges on one store, a domain goes to one prober at a time across all of them.
 */
export const domainLeasesMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('domain_leases')
      .addColumn('domain', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('token', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('domain_leases').execute();
  },
};
