import type { Kysely } from 'kysely';
import { sha256Hex, type Signal } from '../../protocol/index.ts';
import type { EdgeStore } from '../store/edge-store.ts';
import type { Database } from '../store/schema.ts';

/** The key a feed entry and a lookup share: hex SHA-256 of the trimmed, lower-cased address. */
export async function addressHash(address: string): Promise<string> {
  return sha256Hex(address.trim().toLowerCase());
}

const HEX64 = /^[0-9a-f]{64}$/;

/** One feed line: a hex SHA-256 as given, or an address to hash; null for a line to skip. */
export async function feedEntry(line: string): Promise<string | null> {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return null;
  if (HEX64.test(text.toLowerCase())) return text.toLowerCase();
  return text.includes('@') && !/[\s\x00-\x1f]/.test(text) ? addressHash(text) : null;
}

export interface BreachFeed {
  /** Adds hashes; returns how many were new. */
  add(hashes: readonly string[], source: string, now: number): Promise<number>;
  /** The `breached` signal for an address: value true when a local feed holds it. */
  signal(normalized: string): Promise<Signal>;
}

/**
 * The feeds in the store. Most edges import none, and asking so for every address was a query
 * per result of a bulk job: with the store's `dataVersion` the answer "no feed" is kept until
 * another connection writes to the store (feeds come in through the CLI's own connection, or
 * through `add` here). Without one, the table is glanced at for each address.
 */
export function createBreachFeed(db: Kysely<Database>, store: Pick<EdgeStore, 'dataVersion'> = {}): BreachFeed {
  let noFeedAt: number | null = null;
  const anyFeed = async (): Promise<boolean> => {
    // Read before the query: a write between the two leaves the answer keyed to the older version, asked again.
    const version = store.dataVersion?.();
    if (version !== undefined && version === noFeedAt) return false;
    const any = (await db.selectFrom('breach_hashes').select('hash').limit(1).executeTakeFirst()) !== undefined;
    noFeedAt = any || version === undefined ? null : version;
    return any;
  };
  return {
    async add(hashes, source, now) {
      const unique = [...new Set(hashes)];
      let added = 0;
      for (let i = 0; i < unique.length; i += 500) {
        const rows = unique.slice(i, i + 500).map((hash) => ({ hash, source, imported_at: now }));
        const result = await db.insertInto('breach_hashes').values(rows).onConflict((oc) => oc.column('hash').doNothing()).executeTakeFirst();
        added += Number(result.numInsertedOrUpdatedRows ?? 0);
      }
      noFeedAt = null;
      return added;
    },
    async signal(normalized) {
      // With no feed at all, the address's SHA-256 and lookup are spared.
      const row = (await anyFeed()) && (await db.selectFrom('breach_hashes').select('source').where('hash', '=', await addressHash(normalized)).executeTakeFirst());
      return row
        ? { source: 'breach_feed', name: 'breached', ok: true, value: true, detail: `in local feed ${row.source}` }
        : { source: 'breach_feed', name: 'breached', ok: true, value: false };
    },
  };
}
