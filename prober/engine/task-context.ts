import type { CatchAllCheck, Clock, ProbeAddress, ProbeStats, ProbeTask, Random, ReasonCode, SmtpCheck, SmtpReply, SmtpTls, TemporaryCause } from '../../protocol/index.ts';
import type { Dialer } from '../smtp/dialer.ts';
import type { SessionTimeouts } from '../smtp/open-session.ts';
import type { ReplyLimits } from '../smtp/reply-parser.ts';
import type { HostLimiter } from '../pool/host-limiter.ts';
import type { HostNotes } from '../pool/host-notes.ts';
import type { HeloRefusals } from '../pool/helo-refusals.ts';
import type { ProviderBackoff } from '../pool/provider-backoff.ts';
import type { CatchAllCache } from './catch-all-cache.ts';
import type { KeyedHash } from './catch-all-probe.ts';

/** Everything the engine is given once, shared by all tasks of a runner. */
export interface EngineDeps {
  dialer: Dialer;
  clock: Clock;
  random: Random;
  heloName: string;
  mailFrom: string;
  port: number;
  tls: SmtpTls;
  timeouts: SessionTimeouts;
  replyLimits: ReplyLimits;
  /** RCPTs per MAIL transaction at most. */
  batchSize: number;
  /** Rejected RCPTs after which a session is replaced, below the server's own error limits. */
  maxRejectionsPerSession: number;
  limiter: HostLimiter;
  /** How long a session that finished a task waits for the next task to its server (another domain). */
  sessionIdleMs: number;
  notes: HostNotes;
  /** Providers (all MX hosts of one registered domain) that refused our IP, shared like `limiter`. */
  providers: ProviderBackoff;
  /** Servers that refused our HELO name, for the doctor. */
  heloRefusals: HeloRefusals;
  catchAllCache: CatchAllCache;
  /** Keyed hash the catch-all probe names come from (see catch-all-probe.ts). */
  probeHash: KeyedHash;
}

/** One MX address of the plan, with the host name it belongs to. */
export interface Target {
  host: string;
  address: string;
}

/** Why addresses got no answer from a host, kept to answer them if no other host does. */
export interface Shortfall {
  outcome: SmtpCheck['outcome'];
  reason: ReasonCode;
  reply?: SmtpReply;
  retry_after_s?: number;
  cause?: TemporaryCause;
  detail?: string;
}

/** The state of one task while it runs. */
export interface TaskContext {
  task: ProbeTask;
  deps: EngineDeps;
  startedAt: number;
  deadlineAt: number;
  signal: AbortSignal;
  pending: ProbeAddress[];
  answers: Map<string, SmtpCheck>;
  stats: ProbeStats;
  catchAll: CatchAllCheck;
  /** The probe still has to run in some session. */
  probeNeeded: boolean;
}

export function answer(ctx: TaskContext, item: ProbeAddress, check: SmtpCheck): void {
  ctx.answers.set(item.id, check);
  ctx.pending = ctx.pending.filter((p) => p.id !== item.id);
}

export function hasWork(ctx: TaskContext): boolean {
  return ctx.pending.length > 0 || ctx.probeNeeded;
}
