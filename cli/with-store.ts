import { existsSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { openStore } from '../edge/adapters/open-store.ts';
import { loadConfig } from '../edge/config.ts';
import type { Database } from '../edge/store/schema.ts';

/**
 * Runs a command against the store at BZ_DB (SQLite or PostgreSQL), closing it afterwards. A bad
 * setting is a message and exit code 2, never a stack trace. Without `create`, a SQLite file
 * that does not exist is an error (exit 1), so a mistyped BZ_DB never leaves an empty database.
 */
export async function withStore(options: { create: boolean }, work: (db: Kysely<Database>) => Promise<number>): Promise<number> {
  const loaded = loadConfig(process.env);
  if (!loaded.ok) {
    process.stderr.write(`${loaded.error}\n`);
    return 2;
  }
  const { db: where } = loaded.config;
  const isFile = where !== ':memory:' && !/^postgres(ql)?:\/\//.test(where);
  if (isFile && !options.create && !existsSync(where)) {
    process.stderr.write(`no database at ${where} (BZ_DB): set BZ_DB to the edge's database, or run \`bouncezero start\` once to create it\n`);
    return 1;
  }
  const { db } = await openStore(where);
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}
