import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Fair claims go round the jobs that have due work and take each job's share in due order
 * (edge/jobs/fair-claim.ts): both are range scans over this index.
 */
export const jobItemsDueByJobMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.createIndex('job_items_job_due').on('job_items').columns(['job_id', 'due_at']).where('due_at', 'is not', null).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('job_items_job_due').execute();
  },
};
