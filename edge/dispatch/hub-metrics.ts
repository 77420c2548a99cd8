/** Counters the hub exposes for /metrics; monotonic except the gauges marked so. */
export interface HubMetrics {
  /** Tasks handed to an agent for the first time. */
  tasks_dispatched: number;
  /** Hand-outs after the first: the holder disconnected, missed heartbeats or was revoked. */
  tasks_redispatched: number;
  /** Tasks given back unsent (no_prober) because no connected agent could take them for a while. */
  tasks_given_back: number;
  /** Tasks a prober held past their deadline without answering, given up as deadline_exceeded. */
  tasks_overdue: number;
  /** Tasks given up (internal_error) after every one of the 3 probers that took them was lost. */
  tasks_abandoned: number;
  /** Results for a task already answered (or never handed to that agent), dropped. */
  duplicate_results_dropped: number;
  /** Gauge: authenticated agents connected now. */
  agents_connected: number;
  /** Gauge: tasks waiting for a slot. */
  tasks_waiting: number;
  /** Gauge: tasks an agent holds now. */
  tasks_in_flight: number;
}
