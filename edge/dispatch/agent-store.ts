/** One prober agent as the edge knows it: its Ed25519 public key, hex; nothing that could sign. */
export interface AgentRecord {
  id: string;
  name: string;
  public_key: string;
  created_at: number;
  revoked_at: number | null;
}

/** What the agent registry needs from storage; the kysely implementation sits beside it. */
export interface AgentStore {
  create(record: AgentRecord): Promise<void>;
  findById(id: string): Promise<AgentRecord | undefined>;
  findByName(name: string): Promise<AgentRecord | undefined>;
  /** Marks the named agent revoked; false if no such (unrevoked) agent. */
  revoke(name: string, at: number): Promise<boolean>;
  list(): Promise<AgentRecord[]>;
  /** The providers the agent backs off from whose back-off has not ended at `now`, with when it ends. */
  heldOff(agentId: string, now: number): Promise<Map<string, number>>;
  /**
   * Keeps that the agent backs off from `provider` until `until` (a later word replaces an
   * earlier), drops its back-offs ended at `now`, and keeps at most `max` of them, the longest.
   */
  keepHeldOff(agentId: string, provider: string, until: number, now: number, max: number): Promise<void>;
}
