/**
 * One edge process and one prober process on a fresh SQLite file, with SMTP timeouts and job
 * retry delays short enough for a test (every knob is a BZ_* variable the product reads).
 */
import { addAgent, PROCESS_KEY, startEdge, startProber, tempDb, worldEnv, type Running, type RunningEdge } from '../../support/bouncezero-processes.ts';
import { jobClient } from '../../support/job-client.ts';

export const FAST: Record<string, string> = {
  BZ_SMTP_CONNECT_TIMEOUT_MS: '1000',
  BZ_SMTP_BANNER_TIMEOUT_MS: '1000',
  BZ_SMTP_COMMAND_TIMEOUT_MS: '1000',
  BZ_SMTP_SESSIONS_PER_MINUTE: '100000',
  BZ_JOB_RETRY_DELAY_MS: '200',
  BZ_JOB_RETRY_MIN_MS: '0',
  BZ_JOB_RETRY_MAX_MS: '500',
  BZ_JOB_RETRY_BUDGET: '2',
  BZ_JOB_BUSY_RETRY_MS: '200',
  BZ_JOB_BUSY_RETRY_MAX_MS: '500',
  BZ_JOB_BROKEN_RETRY_MS: '200',
  BZ_JOB_TASK_SIZE: '5',
};

export interface Rig {
  env: Record<string, string>;
  edge: RunningEdge;
  probers: Running[];
  client: ReturnType<typeof jobClient>;
  agents: { id: string; secretFile: string }[];
  /** Logs of every process, for a failing assertion's message. */
  logs(): string;
  stop(): Promise<void>;
}

export async function startRig(extra: Record<string, string> = {}, proberCount = 1): Promise<Rig> {
  const env = worldEnv(tempDb(), { ...FAST, ...extra });
  const agents = Array.from({ length: proberCount }, (_, i) => addAgent(env, `fault-${i}`));
  const edge = await startEdge(env);
  const rig: Rig = {
    env,
    edge,
    probers: [startProber(env, edge.agentUrl, agents[0]!)],
    client: jobClient(edge.url, PROCESS_KEY),
    agents,
    logs: () => [`edge:\n${rig.edge.log().slice(-3000)}`, ...rig.probers.map((p, i) => `prober ${i}:\n${p.log().slice(-3000)}`)].join('\n'),
    stop: async () => {
      for (const p of rig.probers) await p.kill();
      await rig.edge.kill();
    },
  };
  return rig;
}
