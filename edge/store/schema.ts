/**
 * The store's tables, one interface per table, gathered in `Database`. To add a table: write
 * its interface here, add one line to `Database`, and add a migration that creates it
 * (edge/store/migrations/). Column names are snake_case as in SQL; times are epoch ms.
 */
import type { AgentsTable } from '../dispatch/kysely-agent-store.ts';
import type { JobItemsTable, JobRowsTable, JobsTable } from '../jobs/tables.ts';
import type { ModelsTable, OutcomesTable } from '../learning/tables.ts';
import type { BreachHashesTable } from '../enrich/breach-feed.ts';
import type { DomainLeasesTable } from '../dispatch/domain-leases.ts';

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
}

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

export interface Database {
  dns_cache: DnsCacheTable;
  result_cache: ResultCacheTable;
  api_keys: ApiKeysTable;
  /** Prober agents, see edge/dispatch/kysely-agent-store.ts. */
  agents: AgentsTable;
  /** Bulk jobs, their distinct addresses and their input rows, see edge/jobs/. */
  jobs: JobsTable;
  job_items: JobItemsTable;
  job_rows: JobRowsTable;
  /** Delivery outcomes and the models learned from them, see edge/learning/. */
  outcomes: OutcomesTable;
  models: ModelsTable;
  breach_hashes: BreachHashesTable;
  /** Which edge sends a domain's probes now, see edge/dispatch/domain-leases.ts. */
  domain_leases: DomainLeasesTable;
}
