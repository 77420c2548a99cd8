import type { AgentHeldOffTable, AgentsTable } from './tables/agents.ts';
import type { BreachHashesTable } from './tables/breach.ts';
import type { DnsCacheTable, ResultCacheTable } from './tables/caches.ts';
import type { JobItemsTable, JobRowsTable, JobsTable, JobTallyTable } from './tables/jobs.ts';
import type { ApiKeysTable } from './tables/keys.ts';
import type { DomainLeasesTable } from './tables/leases.ts';
import type { ModelsTable, OutcomesTable } from './tables/learning.ts';

/**
 * The store's tables, gathered in `Database`; each feature's table types live in tables/, below
 * every module that uses them. To add a table: write its interface in tables/, add one line
 * here, and add a migration that creates it (edge/store/migrations/). Column names are
 * snake_case as in SQL; times are epoch ms.
 */
export interface Database {
  dns_cache: DnsCacheTable;
  result_cache: ResultCacheTable;
  api_keys: ApiKeysTable;
  /** Prober agents, see edge/dispatch/kysely-agent-store.ts. */
  agents: AgentsTable;
  /** The providers each prober backs off from, see edge/dispatch/kysely-agent-store.ts. */
  agent_held_off: AgentHeldOffTable;
  /** Bulk jobs, their distinct addresses and their input rows, see edge/jobs/. */
  jobs: JobsTable;
  job_items: JobItemsTable;
  job_rows: JobRowsTable;
  /** Counts of each job's items by state and verdict, see edge/jobs/job-tally.ts. */
  job_tally: JobTallyTable;
  /** Delivery outcomes and the models learned from them, see edge/learning/. */
  outcomes: OutcomesTable;
  models: ModelsTable;
  breach_hashes: BreachHashesTable;
  /** Which edge sends a domain's probes now, see edge/dispatch/domain-leases.ts. */
  domain_leases: DomainLeasesTable;
}
