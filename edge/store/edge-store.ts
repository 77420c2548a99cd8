import type { Kysely } from 'kysely';
import type { DeflateCodec } from './packed-result.ts';
import type { Database } from './schema.ts';

/**
 * An opened, migrated store with what it can do, as told by the adapter that opened it. Features
 * ask the store these questions, never which engine it is.
 */
export interface EdgeStore {
  readonly db: Kysely<Database>;
  /**
   * Other edges may work this store at once: they add jobs this edge is not told of, and their
   * claims and uploads are live, so nothing found in flight at start-up is this edge's to requeue.
   */
  readonly sharedByEdges: boolean;
  /**
   * A number that changes whenever another connection commits to the store (SQLite's
   * data_version, a PRAGMA read at most once a turn of the event loop, so a commit elsewhere shows
   * one turn later); absent where the store cannot tell. What this edge read stays true while it
   * is unchanged, unless this edge wrote it.
   */
  readonly dataVersion?: () => number;
  /** A faster deflate than the portable one for packing results, where the runtime has one. */
  readonly deflate?: DeflateCodec;
}
