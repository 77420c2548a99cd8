import type { ProbeResult, ProbeTask, ReasonCode } from '../../protocol/index.ts';

export type DispatchOutcome =
  | { ok: true; result: ProbeResult; agent_id: string }
  /** The task could not run: no agent connected, every agent blocked, the deadline passed, or every prober that took it was lost. */
  | { ok: false; reason: Extract<ReasonCode, 'no_prober' | 'prober_port25_blocked' | 'deadline_exceeded' | 'internal_error'>; detail: string };

export interface AgentSummary {
  id: string;
  name: string;
  capacity: number;
  in_flight: number;
  plugins: string[];
  healthy: boolean;
  port25: boolean | null;
  observed_address: string;
  doctor: { name: string; ok: boolean; detail: string }[];
  connected_at: number;
}

/** What the API and the jobs need from the agent registry. */
export interface Dispatcher {
  /** Routes the task to the agent that holds its domain (or the least loaded one) and waits for its result. */
  submit(task: ProbeTask, options?: { signal?: AbortSignal }): Promise<DispatchOutcome>;
  agents(): AgentSummary[];
  /** Agents that can take work now (authenticated, heartbeating, port 25 not known blocked). */
  healthyCount(): number;
}
