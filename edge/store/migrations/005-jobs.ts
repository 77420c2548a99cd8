import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { autoId, float } from '../dialect.ts';

/**
 * Bulk jobs (edge/jobs/): a job, its distinct addresses (items) and its input rows, each row
 * pointing at its item so duplicates are probed once but every row comes back.
 */
export const jobsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('columns_json', 'text')
      .addColumn('rows', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('completed_at', 'bigint')
      .execute();
    await db.schema
      .createTable('job_items')
      .addColumn('id', ...autoId(db))
      .addColumn('job_id', 'text', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('domain', 'text')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('retries', 'integer', (c) => c.notNull())
      .addColumn('due_at', 'bigint')
      .addColumn('verdict', 'text')
      .addColumn('reason', 'text')
      .addColumn('score', float(db))
      .addColumn('result_json', 'text')
      .addColumn('done_at', 'bigint')
      .execute();
    await db.schema.createIndex('job_items_key').unique().on('job_items').columns(['job_id', 'key']).execute();
    await db.schema.createIndex('job_items_state').on('job_items').columns(['job_id', 'state', 'verdict']).execute();
    await db.schema.createIndex('job_items_done').on('job_items').columns(['job_id', 'done_at']).execute();
    // Only claimable items carry a due time, so the claim is a range scan over this index.
    await db.schema.createIndex('job_items_due').on('job_items').column('due_at').where('due_at', 'is not', null).execute();
    await db.schema
      .createTable('job_rows')
      .addColumn('job_id', 'text', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
      .addColumn('row_no', 'integer', (c) => c.notNull())
      .addColumn('item_id', 'integer', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('cells_json', 'text')
      .addPrimaryKeyConstraint('job_rows_pk', ['job_id', 'row_no'])
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('job_rows').execute();
    await db.schema.dropTable('job_items').execute();
    await db.schema.dropTable('jobs').execute();
  },
};
