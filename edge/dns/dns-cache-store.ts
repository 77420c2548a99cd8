import type { Kysely } from 'kysely';
import type { DnsCacheStore } from './dns-cache.ts';
import { preparedInserts } from '../store/prepared-inserts.ts';
import { preparedQuery } from '../store/prepared-query.ts';
import type { Database } from '../store/schema.ts';
import type { DnsCacheTable } from '../store/tables/caches.ts';

// Read for every question the in-process cache does not hold: three a new domain.
const selectEntry = preparedQuery((db: Kysely<Database>, p: { key: string }) => db.selectFrom('dns_cache').select(['value', 'expires_at']).where('key', '=', p.key));

// 200 rows a statement stay far below SQLite's 32,766 parameters.
const upsertRows = preparedInserts(['key', 'value', 'expires_at'], (db: Kysely<Database>, rows: DnsCacheTable[]) =>
  db
    .insertInto('dns_cache')
    .values(rows)
    .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), expires_at: eb.ref('excluded.expires_at') }))),
);

/** The DNS cache's second level in the `dns_cache` table (migration 001-dns-cache). */
export function createDnsCacheStore(db: Kysely<Database>): DnsCacheStore {
  return {
    async get(key) {
      const [row] = (await db.executeQuery(selectEntry(db, { key }))).rows;
      return row ? { value: row.value, expiresAt: Number(row.expires_at) } : null;
    },
    async putMany(entries) {
      // One row a key: an upsert may not touch a row twice.
      const rows = [...new Map(entries.map(({ key, value, expiresAt }) => [key, { key, value, expires_at: expiresAt }])).values()];
      for (const query of upsertRows(db, rows)) await db.executeQuery(query);
    },
    async purgeExpired(now) {
      const result = await db.deleteFrom('dns_cache').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
