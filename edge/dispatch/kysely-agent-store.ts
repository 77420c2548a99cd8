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
    async heldOff(agentId, now) {
      const rows = await db.selectFrom('agent_held_off').select(['provider', 'until']).where('agent_id', '=', agentId).where('until', '>', now).execute();
      return new Map(rows.map((r) => [r.provider, Number(r.until)]));
    },
    async keepHeldOff(agentId, provider, until, now, max) {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('agent_held_off')
          .values({ agent_id: agentId, provider, until })
          .onConflict((oc) => oc.columns(['agent_id', 'provider']).doUpdateSet({ until }))
          .execute();
        await trx.deleteFrom('agent_held_off').where('agent_id', '=', agentId).where('until', '<=', now).execute();
        const kept = await trx.selectFrom('agent_held_off').select('provider').where('agent_id', '=', agentId).orderBy('until', 'desc').offset(max).limit(1000).execute();
        if (kept.length > 0) await trx.deleteFrom('agent_held_off').where('agent_id', '=', agentId).where('provider', 'in', kept.map((r) => r.provider)).execute();
      });
    },
  };
}
