import type { Kysely } from 'kysely';
import { openStore } from '../edge/adapters/open-store.ts';
import { loadConfig } from '../edge/config.ts';
import type { Database } from '../edge/store/schema.ts';

/**
 * Runs a command against the store at BZ_DB (SQLite or PostgreSQL), closing it afterwards. A bad
 * setting is a message and exit code 2, never a stack trace.
 */
export async function withStore(work: (db: Kysely<Database>) => Promise<number>): Promise<number> {
  const loaded = loadConfig(process.env);
  if (!loaded.ok) {
    process.stderr.write(`${loaded.error}\n`);
    return 2;
  }
  const db = await openStore(loaded.config.db);
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}
