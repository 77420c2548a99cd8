import { isAddressAllowed } from '../../net/address-guard.ts';
import type { Cidr } from '../../net/cidr.ts';
import { systemClock, systemRandom, type Clock, type ProbeResult, type ProbeTask, type Random, type SmtpTls } from '../../protocol/index.ts';
import { hmacSha256 } from '../adapters/hmac-node.ts';
import { createNetDialer } from '../adapters/net-dialer.ts';
import { isSafeCommand, mailFromCommand } from '../smtp/command-line.ts';
import type { Dialer } from '../smtp/dialer.ts';
import { DEFAULT_TIMEOUTS, type SessionTimeouts } from '../smtp/open-session.ts';
import { DEFAULT_REPLY_LIMITS, type ReplyLimits } from '../smtp/reply-parser.ts';
import { HostLimiter } from '../pool/host-limiter.ts';
import { HostNotes } from '../pool/host-notes.ts';
import { HeloRefusals } from '../pool/helo-refusals.ts';
import { ProviderBackoff } from '../pool/provider-backoff.ts';
import { CatchAllCache, DEFAULT_CATCH_ALL_TTL_MS } from './catch-all-cache.ts';
import { runTask } from './run-task.ts';
import type { TaskRunner } from './task-runner.ts';

/** The identity is the caller's to give (see smtpIdentity); the rest defaults to the real thing: node:net, the system clock. */
export interface TaskRunnerOptions {
  dialer?: Dialer;
  /** Name said in EHLO/HELO; never a borrowed domain. */
  heloName: string;
  /** Envelope sender, verify@<heloName> by default. */
  mailFrom?: string;
  /** The port dialed on MX hosts (BZ_SMTP_PORT), 25 by default. */
  port?: number;
  /** Private/loopback networks an MX address may still be in (BZ_ALLOW_NETS), none by default. */
  allowNets?: readonly Cidr[];
  clock?: Clock;
  random?: Random;
  timeouts?: Partial<SessionTimeouts>;
  replyLimits?: ReplyLimits;
  /** RCPTs per MAIL transaction (default 20). */
  batchSize?: number;
  /** Rejected RCPTs per session before it is replaced (default 8; Postfix's soft limit is 10). */
  maxRejectionsPerSession?: number;
  /** Shared by every runner of the process; one is made if not given. */
  limiter?: HostLimiter;
  /** The same for provider back-offs (its readers, such as the doctor, hold it too). */
  providers?: ProviderBackoff;
  heloRefusals?: HeloRefusals;
  catchAllTtlMs?: number;
  catchAllMaxEntries?: number;
  /** How long a host whose TLS handshake failed is spoken to in clear (default 1 h). */
  tlsAvoidMs?: number;
  /** How long a finished task's session stays open for the next task to that server (default 1 s; 0: QUIT at once). */
  sessionIdleMs?: number;
  /** BZ_SMTP_TLS: STARTTLS when offered (default) or never. */
  tls?: SmtpTls;
  /**
   * The deployment's secret for catch-all probe names (at least 16 bytes), so a retry sends the
   * same probes and passes greylisting. Without one, a key drawn at start lasts the process.
   */
  probeKey?: Uint8Array;
}

/** The SMTP and catch-all stages as the agent calls them. */
export function createTaskRunner(options: TaskRunnerOptions): TaskRunner {
  const { heloName } = options;
  const mailFrom = options.mailFrom ?? `verify@${heloName}`;
  if (!isSafeCommand(`EHLO ${heloName}`) || !/^[\x21-\x7e]+$/.test(heloName)) {
    throw new Error(`unusable HELO name ${JSON.stringify(heloName)}`);
  }
  if (!isSafeCommand(mailFromCommand(mailFrom, false)) || /[<>\s]/.test(mailFrom)) {
    throw new Error(`unusable MAIL FROM address ${JSON.stringify(mailFrom)}`);
  }
  const clock = options.clock ?? systemClock;
  const batchSize = options.batchSize ?? 20;
  const maxRejectionsPerSession = options.maxRejectionsPerSession ?? 8;
  const allowNets = options.allowNets ?? [];
  const random = options.random ?? systemRandom;
  const probeKey = options.probeKey ?? random.bytes(32);
  if (probeKey.length < 16) throw new Error('probeKey must be at least 16 bytes');
  const deps = {
    dialer: options.dialer ?? createNetDialer(),
    clock,
    random,
    probeHash: (message: string) => hmacSha256(probeKey, message),
    heloName,
    mailFrom,
    port: options.port ?? 25,
    tls: options.tls ?? 'opportunistic',
    timeouts: { ...DEFAULT_TIMEOUTS, ...options.timeouts },
    replyLimits: options.replyLimits ?? DEFAULT_REPLY_LIMITS,
    batchSize,
    maxRejectionsPerSession,
    limiter: options.limiter ?? new HostLimiter(clock),
    providers: options.providers ?? new ProviderBackoff({ clock }),
    heloRefusals: options.heloRefusals ?? new HeloRefusals(clock),
    sessionIdleMs: options.sessionIdleMs ?? 1_000,
    // A batch never holds more RCPTs than the session may see rejected: that bound holds even if all are.
    notes: new HostNotes({ clock, batchSize: Math.min(batchSize, maxRejectionsPerSession), tlsAvoidMs: options.tlsAvoidMs ?? 60 * 60_000, maxHosts: 10_000 }),
    catchAllCache: new CatchAllCache({ clock, ttlMs: options.catchAllTtlMs ?? DEFAULT_CATCH_ALL_TTL_MS, maxEntries: options.catchAllMaxEntries ?? 50_000 }),
  };
  if (deps.maxRejectionsPerSession < 1 || deps.batchSize < 1) throw new Error('batchSize and maxRejectionsPerSession must be at least 1');
  return function runProbeTask(task: ProbeTask, signal?: AbortSignal): Promise<ProbeResult> {
    return runTask(deps, (address) => isAddressAllowed(address, allowNets), task, signal);
  };
}
