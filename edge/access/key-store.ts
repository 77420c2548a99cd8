import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

export interface ApiKeyRecord {
  id: string;
  name: string;
  hint: string;
  created_at: number;
  revoked_at: number | null;
}

/** What authentication and `bouncezero key` need from the stored keys. */
export interface ApiKeyStore {
  /** The live (not revoked) key with this hash. */
  findByHash(hash: string): Promise<ApiKeyRecord | null>;
  add(record: ApiKeyRecord & { key_hash: string }): Promise<void>;
  list(): Promise<ApiKeyRecord[]>;
  /** Marks the named key revoked; false when no live key has that name. */
  revoke(name: string, at: number): Promise<boolean>;
}

const PUBLIC = ['id', 'name', 'hint', 'created_at', 'revoked_at'] as const;

/** Keys in the store's `api_keys` table (migration 'api-keys'); only hashes are kept. */
export function createStoreKeyStore(db: Kysely<Database>): ApiKeyStore {
  return {
    async findByHash(hash) {
      const row = await db.selectFrom('api_keys').select(PUBLIC).where('key_hash', '=', hash).where('revoked_at', 'is', null).executeTakeFirst();
      return row ?? null;
    },
    async add(record) {
      await db.insertInto('api_keys').values(record).execute();
    },
    async list() {
      return db.selectFrom('api_keys').select(PUBLIC).orderBy('created_at').execute();
    },
    async revoke(name, at) {
      const r = await db.updateTable('api_keys').set({ revoked_at: at }).where('name', '=', name).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}
