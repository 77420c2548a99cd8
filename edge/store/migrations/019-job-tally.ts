import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { engineOf } from '../dialect.ts';

/**
 * How many items of each job are in each state (and verdict), kept by triggers on job_items in
 * the transaction of every change, so the counts are right after any crash, whoever changed the
 * item and however (edge/jobs/job-tally.ts reads them). A job's report used to count its items
 * on every GET: ~80 ms on a million-item job, on the store's one writer thread.
 *
 * `checked` is 1 for an item with a domain (resolved by a check, never at intake): the job's rate
 * counts those, where it used to compare done_at with started_at, two times that may come from
 * the clocks of two edges.
 *
 * The items of a job being deleted (status `deleting`) are not counted down one by one: the
 * job's tally goes with its row.
 */
export const jobTallyMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('job_tally')
      .addColumn('job_id', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('verdict', 'text', (c) => c.notNull())
      .addColumn('checked', 'integer', (c) => c.notNull())
      .addColumn('n', 'bigint', (c) => c.notNull())
      .execute();
    // The report's next and last retry times read only the waiting items, not a whole job's pending ones.
    await db.schema.createIndex('job_items_waiting').on('job_items').columns(['job_id', 'due_at']).where(sql.ref('state'), '=', sql.lit('waiting')).execute();
    if (engineOf(db) === 'postgres') await postgresTriggers(db);
    else await sqliteTriggers(db);
    await sql`INSERT INTO job_tally (job_id, state, verdict, checked, n)
      SELECT job_id, state, coalesce(verdict, ''), CASE WHEN domain IS NULL THEN 0 ELSE 1 END, count(*) FROM job_items
      WHERE job_id NOT IN (SELECT id FROM jobs WHERE status = 'deleting')
      GROUP BY job_id, state, coalesce(verdict, ''), CASE WHEN domain IS NULL THEN 0 ELSE 1 END`.execute(db);
  },
  async down(db: Kysely<any>) {
    if (engineOf(db) === 'postgres') {
      await sql`DROP TRIGGER job_tally_jobs ON jobs`.execute(db);
      for (const name of ['job_tally_insert', 'job_tally_update', 'job_tally_delete']) await sql`DROP TRIGGER ${sql.raw(name)} ON job_items`.execute(db);
      await sql`DROP FUNCTION job_tally_change()`.execute(db);
      await sql`DROP FUNCTION job_tally_job_gone()`.execute(db);
    } else {
      for (const name of ['job_tally_insert', 'job_tally_update', 'job_tally_delete', 'job_tally_jobs']) await sql`DROP TRIGGER ${sql.raw(name)}`.execute(db);
    }
    await db.schema.dropTable('job_tally').execute();
    await db.schema.dropIndex('job_items_waiting').execute();
  },
};

/**
 * SQLite has one writer and row triggers only: one row a key, counted in place. Created before
 * the backfill, like PostgreSQL's, though here no other writer runs during a migration.
 */
async function sqliteTriggers(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('job_tally_key').on('job_tally').columns(['job_id', 'state', 'verdict', 'checked']).unique().execute();
  const countUp = sql.raw(`INSERT INTO job_tally (job_id, state, verdict, checked, n)
    VALUES (new.job_id, new.state, coalesce(new.verdict, ''), new.domain IS NOT NULL, 1)
    ON CONFLICT (job_id, state, verdict, checked) DO UPDATE SET n = n + 1;`);
  const countDown = sql.raw(`UPDATE job_tally SET n = n - 1
    WHERE job_id = old.job_id AND state = old.state AND verdict = coalesce(old.verdict, '') AND checked = (old.domain IS NOT NULL);`);
  await sql`CREATE TRIGGER job_tally_insert AFTER INSERT ON job_items BEGIN ${countUp} END`.execute(db);
  await sql`CREATE TRIGGER job_tally_update AFTER UPDATE OF state, verdict ON job_items
    WHEN old.state IS NOT new.state OR old.verdict IS NOT new.verdict BEGIN ${countDown} ${countUp} END`.execute(db);
  await sql`CREATE TRIGGER job_tally_delete AFTER DELETE ON job_items
    WHEN NOT EXISTS (SELECT 1 FROM jobs WHERE id = old.job_id AND status = 'deleting') BEGIN ${countDown} END`.execute(db);
  await sql`CREATE TRIGGER job_tally_jobs AFTER DELETE ON jobs BEGIN DELETE FROM job_tally WHERE job_id = old.id; END`.execute(db);
}

/**
 * Edges of a fleet change items of one job at once, and counting in place would make each
 * transaction hold the job's count rows to its end: two batches touching two jobs in opposite
 * orders would deadlock. So each statement appends its net change per key (statement triggers,
 * over the rows it changed) and readers sum; job-tally.ts folds them back into one row a key.
 * CREATE TRIGGER locks job_items against writers to the migration's end, so the backfill that
 * follows misses no change and counts none twice.
 */
async function postgresTriggers(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('job_tally_job').on('job_tally').column('job_id').execute();
  const key = (t: string) => `${t}.job_id, ${t}.state, coalesce(${t}.verdict, ''), (${t}.domain IS NOT NULL)::int`;
  await sql`CREATE FUNCTION job_tally_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO job_tally (job_id, state, verdict, checked, n) SELECT ${sql.raw(key('a'))}, count(*) FROM added a GROUP BY 1, 2, 3, 4;
      ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO job_tally (job_id, state, verdict, checked, n) SELECT ${sql.raw(key('r'))}, -count(*) FROM removed r
          WHERE NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = r.job_id AND j.status = 'deleting') GROUP BY 1, 2, 3, 4;
      ELSE
        INSERT INTO job_tally (job_id, state, verdict, checked, n)
          SELECT job_id, state, verdict, checked, sum(n) FROM (
            SELECT ${sql.raw(key('a'))}, 1 FROM added a UNION ALL SELECT ${sql.raw(key('r'))}, -1 FROM removed r
          ) AS d (job_id, state, verdict, checked, n)
          GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0;
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER job_tally_insert AFTER INSERT ON job_items REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION job_tally_change()`.execute(db);
  await sql`CREATE TRIGGER job_tally_update AFTER UPDATE ON job_items REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION job_tally_change()`.execute(db);
  await sql`CREATE TRIGGER job_tally_delete AFTER DELETE ON job_items REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION job_tally_change()`.execute(db);
  await sql`CREATE FUNCTION job_tally_job_gone() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN DELETE FROM job_tally WHERE job_id = OLD.id; RETURN NULL; END $$`.execute(db);
  await sql`CREATE TRIGGER job_tally_jobs AFTER DELETE ON jobs FOR EACH ROW EXECUTE FUNCTION job_tally_job_gone()`.execute(db);
}
