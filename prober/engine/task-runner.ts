import type { ProbeResult, ProbeTask } from '../../protocol/index.ts';

/**
 * What the agent needs from stages 3–5: run one task to its result. Every outcome,
 * including unreachable hosts and the deadline, is inside the result; it never throws
 * for a network outcome.
 */
export type TaskRunner = (task: ProbeTask, signal?: AbortSignal) => Promise<ProbeResult>;
