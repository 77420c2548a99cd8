import { describe, expect, it } from 'vitest';
import { openPostgresSchema, PG_AVAILABLE } from '../../support/store-engines.ts';

/**
 * kysely's migrator reads every schema's tables by name: a schema dropped while another store
 * migrates failed that migration ("schema … does not exist"), which made the PostgreSQL suites,
 * each in a schema of its own, fail now and then. Drops wait for the migration lock.
 */
describe.skipIf(!PG_AVAILABLE)('stores opened and dropped side by side on one PostgreSQL database', () => {
  it('every open migrates, whatever is dropped meanwhile', async () => {
    const failures: string[] = [];
    const worker = async () => {
      for (let i = 0; i < 6; i++) {
        try {
          await (await openPostgresSchema({ keep: true })).drop();
        } catch (error) {
          failures.push(String(error).slice(0, 200));
        }
      }
    };
    await Promise.all(Array.from({ length: 5 }, worker));
    expect(failures).toEqual([]);
  }, 120_000);
});
