/** The `agents` table (migration 'agents'): one row per prober, its derived key K, never the secret. */
export interface AgentsTable {
  id: string;
  name: string;
  key: string;
  created_at: number;
  revoked_at: number | null;
}

export interface AgentTables {
  agents: AgentsTable;
}
