/** The `agents` table (migrations 'agents', 'agent-public-keys'): one row per prober, its Ed25519 public key only. */
export interface AgentsTable {
  id: string;
  name: string;
  public_key: string;
  created_at: number;
  revoked_at: number | null;
}

export interface AgentTables {
  agents: AgentsTable;
}
