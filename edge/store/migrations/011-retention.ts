import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Retention (BZ_RETENTION_DAYS): the result cache learns when each answer was stored, and the
 * purge finds old jobs, cached results and outcomes by index rather than by scanning.
 */
export const retentionMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('result_cache').addColumn('stored_at', 'bigint').execute();
    await db.schema.createIndex('result_cache_stored').on('result_cache').column('stored_at').execute();
    await db.schema.createIndex('jobs_created').on('jobs').column('created_at').execute();
    await db.schema.createIndex('outcomes_observed').on('outcomes').column('observed_at').execute();
    await db.schema.createIndex('job_items_key_any_job').on('job_items').column('key').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('job_items_key_any_job').execute();
    await db.schema.dropIndex('outcomes_observed').execute();
    await db.schema.dropIndex('jobs_created').execute();
    await db.schema.dropIndex('result_cache_stored').execute();
    await db.schema.alterTable('result_cache').dropColumn('stored_at').execute();
  },
};
