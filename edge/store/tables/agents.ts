/** The `agents` table (migrations 'agents', 'agent-public-keys'): one row per prober, its Ed25519 public key only. */
export interface AgentsTable {
  id: string;
  name: string;
  public_key: string;
  created_at: number;
  revoked_at: number | null;
}

/** The `agent_held_off` table (migration '018-agent-held-off'): a prober's provider back-offs, until when (epoch ms). */
export interface AgentHeldOffTable {
  agent_id: string;
  provider: string;
  until: number;
}

export interface AgentTables {
  agents: AgentsTable;
  agent_held_off: AgentHeldOffTable;
}
