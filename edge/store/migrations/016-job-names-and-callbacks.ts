import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Jobs a person comes back to: a name to recognise them by in the list (the uploaded file's),
 * and an optional completion webhook (edge/jobs/webhook/): its URL, the per-job signing secret,
 * and the delivery's state, attempts, next try and last error.
 */
export const jobNamesAndCallbacksMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('jobs').addColumn('name', 'text').execute();
    await db.schema.alterTable('jobs').addColumn('callback_url', 'text').execute();
    await db.schema.alterTable('jobs').addColumn('callback_secret', 'text').execute();
    await db.schema.alterTable('jobs').addColumn('callback_state', 'text').execute();
    await db.schema.alterTable('jobs').addColumn('callback_attempts', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('jobs').addColumn('callback_due_at', 'bigint').execute();
    await db.schema.alterTable('jobs').addColumn('callback_error', 'text').execute();
  },
  async down(db: Kysely<any>) {
    for (const column of ['callback_error', 'callback_due_at', 'callback_attempts', 'callback_state', 'callback_secret', 'callback_url', 'name']) {
      await db.schema.alterTable('jobs').dropColumn(column).execute();
    }
  },
};
