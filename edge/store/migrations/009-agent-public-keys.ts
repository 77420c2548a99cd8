import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { agentPublicKey } from '../../../protocol/agent-auth.ts';

/**
 * Agents authenticate by Ed25519 signature (protocol/agent-auth.ts): each stored HMAC key K is
 * replaced by the public key of the pair derived from it, and K is dropped, so the database no
 * longer holds anything that can answer a challenge. A prober's secret file stays valid.
 */
export const agentPublicKeysMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('agents').addColumn('public_key', 'text').execute();
    const rows: { id: string; key: string }[] = await db.selectFrom('agents').select(['id', 'key']).execute();
    for (const row of rows) {
      await db.updateTable('agents').set({ public_key: await agentPublicKey(row.key) }).where('id', '=', row.id).execute();
    }
    await db.schema.alterTable('agents').dropColumn('key').execute();
  },
  async down() {
    throw new Error('agents keep only public keys since migration 009; the HMAC keys cannot be recovered');
  },
};
