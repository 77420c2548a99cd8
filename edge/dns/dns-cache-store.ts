import type { Kysely } from 'kysely';
import type { DnsCacheStore } from './dns-cache.ts';
import { preparedQuery } from '../store/prepared-query.ts';
import type { Database } from '../store/schema.ts';

// Read for every question the in-process cache does not hold: three a new domain.
const selectEntry = preparedQuery((db: Kysely<Database>, p: { key: string }) => db.selectFrom('dns_cache').select(['value', 'expires_at']).where('key', '=', p.key));

/** The DNS cache's second level in the `dns_cache` table (migration 001-dns-cache). */
export function createDnsCacheStore(db: Kysely<Database>): DnsCacheStore {
  return {
    async get(key) {
      const [row] = (await db.executeQuery(selectEntry(db, { key }))).rows;
      return row ? { value: row.value, expiresAt: Number(row.expires_at) } : null;
    },
    async putMany(entries) {
      // One row a key (an upsert may not touch a row twice); 200 rows a statement stay far below SQLite's 32,766 parameters.
      const rows = [...new Map(entries.map(({ key, value, expiresAt }) => [key, { key, value, expires_at: expiresAt }])).values()];
      for (let i = 0; i < rows.length; i += 200) {
        await db
          .insertInto('dns_cache')
          .values(rows.slice(i, i + 200))
          .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), expires_at: eb.ref('excluded.expires_at') })))
          .execute();
      }
    },
    async purgeExpired(now) {
      const result = await db.deleteFrom('dns_cache').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
