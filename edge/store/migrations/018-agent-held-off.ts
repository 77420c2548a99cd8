import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * The providers each prober backs off from (they refused its IP), and until when on the edges'
 * clock: kept here so they outlive the edge that was told (a restart, another edge of a fleet).
 */
export const agentHeldOffMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('agent_held_off')
      .addColumn('agent_id', 'text', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('until', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('agent_held_off_pk', ['agent_id', 'provider'])
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('agent_held_off').execute();
  },
};
