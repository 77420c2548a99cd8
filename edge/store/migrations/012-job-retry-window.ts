import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Retry by cause and the user's deadline (edge/jobs/retry-policy.ts): a job's max_wait (null =
 * the runner's default) and when it first ran (its active time, for rate and ETA); an item's
 * retry_until, set at its first temporary answer, past which no retry is scheduled.
 */
export const jobRetryWindowMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('jobs').addColumn('max_wait_ms', 'bigint').execute();
    await db.schema.alterTable('jobs').addColumn('started_at', 'bigint').execute();
    await db.schema.alterTable('job_items').addColumn('retry_until', 'bigint').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('job_items').dropColumn('retry_until').execute();
    await db.schema.alterTable('jobs').dropColumn('started_at').execute();
    await db.schema.alterTable('jobs').dropColumn('max_wait_ms').execute();
  },
};
