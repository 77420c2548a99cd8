import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/** Only jobs with a webhook still to deliver carry this state, so the sender's poll is a short range scan. */
export const callbackQueueMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.createIndex('jobs_callback_due').on('jobs').columns(['callback_state', 'callback_due_at']).where('callback_state', '=', 'pending').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('jobs_callback_due').execute();
  },
};
