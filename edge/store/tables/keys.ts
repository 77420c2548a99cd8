/** API keys (`bouncezero key add`), see edge/access/key-store.ts: the SHA-256 of each key only. */
export interface ApiKeysTable {
  id: string;
  name: string;
  key_hash: string;
  /** The key's first characters, to tell keys apart in listings. */
  hint: string;
  created_at: number;
  revoked_at: number | null;
  /** Comma list of scopes (edge/access/scopes.ts), e.g. `verify,jobs`. */
  scopes: string;
}
