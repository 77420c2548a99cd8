import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { autoId } from '../dialect.ts';

/** Delivery outcomes users report (POST /v1/outcomes) and the models trained on them. */
export const outcomesMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('outcomes')
      .addColumn('id', ...autoId(db))
      .addColumn('normalized', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('observed_at', 'bigint', (c) => c.notNull())
      .addColumn('provider', 'text')
      .addColumn('features_json', 'text')
      .addColumn('features_version', 'integer')
      .execute();
    await db.schema.createIndex('outcomes_normalized').on('outcomes').column('normalized').execute();
    await db.schema
      .createTable('models')
      .addColumn('id', ...autoId(db))
      .addColumn('trained_at', 'bigint', (c) => c.notNull())
      .addColumn('body_json', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('models').execute();
    await db.schema.dropTable('outcomes').execute();
  },
};
