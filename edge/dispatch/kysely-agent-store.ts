import type { Kysely } from 'kysely';
import type { AgentTables } from '../store/tables/agents.ts';
import type { AgentRecord, AgentStore } from './agent-store.ts';

/** Agents in the store's `agents` table; revocation is a timestamp, so history stays. */
export function createKyselyAgentStore<DB extends AgentTables>(store: Kysely<DB>): AgentStore {
  // Only our table is touched, so the wider database is viewed through it.
  const db = store as unknown as Kysely<AgentTables>;
  return {
    async create(record: AgentRecord) {
      await db.insertInto('agents').values(record).execute();
    },
    async findById(id) {
      return db.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async findByName(name) {
      return db.selectFrom('agents').selectAll().where('name', '=', name).orderBy('created_at', 'desc').executeTakeFirst();
    },
    async revoke(name, at) {
      const r = await db.updateTable('agents').set({ revoked_at: at }).where('name', '=', name).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async list() {
      return db.selectFrom('agents').selectAll().orderBy('created_at').execute();
    },
  };
}
