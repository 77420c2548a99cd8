import type { Kysely } from 'kysely';
import { engineOf } from './dialect.ts';

/**
 * Whether other edges may work the same store at once. PostgreSQL is opened by several edges
 * (BZ_DB is a server); a SQLite file belongs to the one edge that opened it. Features ask this
 * question, never which engine it is.
 */
export function sharedByEdges(db: Kysely<any>): boolean {
  return engineOf(db) === 'postgres';
}
