import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Access control: each job belongs to the principal that created it (jobs.owner), and each API
 * key carries scopes. Jobs from before this migration go to `config`, the BZ_API_KEY principal
 * (the operator's key); keys from before keep what they could do then: verify, jobs, outcomes.
 */
export const ownersAndScopesMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('jobs').addColumn('owner', 'text', (c) => c.notNull().defaultTo('config')).execute();
    await db.schema.createIndex('jobs_owner').on('jobs').columns(['owner', 'created_at']).execute();
    await db.schema.alterTable('api_keys').addColumn('scopes', 'text', (c) => c.notNull().defaultTo('verify,jobs,outcomes')).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('jobs_owner').execute();
    await db.schema.alterTable('jobs').dropColumn('owner').execute();
    await db.schema.alterTable('api_keys').dropColumn('scopes').execute();
  },
};
