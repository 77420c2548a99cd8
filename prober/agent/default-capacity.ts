/**
 * Tasks a prober takes at once when the operator does not say. Politeness is not this number's
 * job: the host limiter caps sessions per MX address (BZ_SMTP_MAX_SESSIONS, per minute too),
 * and a task holds at most one session at a time. Across different servers the only limits are
 * the prober's own: memory (a task with its session, TLS buffers and transcripts stays well
 * under TASK_BYTES) and sockets, hence the ceiling.
 */
const TASK_BYTES = 1024 * 1024;
const FLOOR = 8;
const CEILING = 512;

/** An eighth of the machine's memory, a task per TASK_BYTES, between FLOOR and CEILING. */
export function defaultCapacity(totalMemoryBytes: number): number {
  return Math.max(FLOOR, Math.min(CEILING, Math.floor(totalMemoryBytes / 8 / TASK_BYTES)));
}
