import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { parseScopes, type KeyScope } from './scopes.ts';

export interface ApiKeyRecord {
  id: string;
  name: string;
  hint: string;
  created_at: number;
  revoked_at: number | null;
  scopes: readonly KeyScope[];
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

const PUBLIC = ['id', 'name', 'hint', 'created_at', 'revoked_at', 'scopes'] as const;

type Row = Omit<ApiKeyRecord, 'scopes'> & { scopes: string };

function toRecord(row: Row): ApiKeyRecord {
  // A scope list that no longer parses (edited by hand) grants nothing rather than everything.
  const parsed = parseScopes(row.scopes);
  return { ...row, created_at: Number(row.created_at), revoked_at: row.revoked_at === null ? null : Number(row.revoked_at), scopes: parsed.ok ? parsed.scopes : [] };
}

/** Keys in the store's `api_keys` table (migration 'api-keys'); only hashes are kept. */
export function createStoreKeyStore(db: Kysely<Database>): ApiKeyStore {
  return {
    async findByHash(hash) {
      const row = await db.selectFrom('api_keys').select(PUBLIC).where('key_hash', '=', hash).where('revoked_at', 'is', null).executeTakeFirst();
      return row ? toRecord(row) : null;
    },
    async add(record) {
      await db.insertInto('api_keys').values({ ...record, scopes: record.scopes.join(',') }).execute();
    },
    async list() {
      return (await db.selectFrom('api_keys').select(PUBLIC).orderBy('created_at').execute()).map(toRecord);
    },
    async revoke(name, at) {
      const r = await db.updateTable('api_keys').set({ revoked_at: at }).where('name', '=', name).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}
