/** Hashes of addresses seen in local breach feeds, see edge/enrich/breach-feed.ts. */
export interface BreachHashesTable {
  /** Hex SHA-256 of the lower-cased address. */
  hash: string;
  /** The feed it came from, as named at import. */
  source: string;
  imported_at: number;
}
