/**
 * The store's tables, one interface per table, gathered in `Database`. To add a table: write
 * its interface here, add one line to `Database`, and add a migration that creates it
 * (edge/store/migrations/). Column names are snake_case as in SQL; times are epoch ms.
 */
import type { AgentsTable } from '../dispatch/kysely-agent-store.ts';

/** DNS answers per question (name + type), see edge/dns/dns-cache.ts. */
export interface DnsCacheTable {
  /** `name/type`, lower-case. */
  key: string;
  /** The answer as JSON. */
  value: string;
  expires_at: number;
}

export interface Database {
  dns_cache: DnsCacheTable;
  /** Prober agents, see edge/dispatch/kysely-agent-store.ts. */
  agents: AgentsTable;
}
