/** DNS answers per question (name + type), see edge/dns/dns-cache.ts. */
export interface DnsCacheTable {
  /** `name/type`, lower-case. */
  key: string;
  /** The answer as JSON. */
  value: string;
  expires_at: number;
}

/** Verification results per normalized address, see edge/cache/store-result-cache.ts. */
export interface ResultCacheTable {
  normalized: string;
  /** The VerificationResult as JSON. */
  result_json: string;
  expires_at: number;
  /** When the answer was stored (retention); null for rows from before migration 011. */
  stored_at: number | null;
}
