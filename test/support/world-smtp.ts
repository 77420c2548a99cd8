/**
 * The SMTP engine as world-tier tests drive it: tasks with hand-made MX plans (DNS is another
 * stage's business) and runners that speak to the world's listeners from loopback.
 */
import { randomUUID } from 'node:crypto';
import { cidr } from '../../net/cidr.ts';
import { createNetDialer } from '../../prober/adapters/net-dialer.ts';
import { createTaskRunner } from '../../prober/engine/create-task-runner.ts';
import type { HostLimiter } from '../../prober/pool/host-limiter.ts';
import type { TaskRunner } from '../../prober/engine/task-runner.ts';
import type { SessionTimeouts } from '../../prober/smtp/open-session.ts';
import { ProbeTask, type ProbeResult, type SmtpReply } from '../../protocol/index.ts';
import { LISTENERS } from '../world/world.ts';

/** The address of the listener that takes `domain`. */
export const listenerOf = (domain: string): string => {
  const listener = LISTENERS.find((l) => l.domains.includes(domain));
  if (!listener) throw new Error(`no listener takes ${domain}`);
  return listener.address;
};

/** A task for `locals@domain` over the given [host, ...addresses] MX hosts, in preference order. */
export function worldTask(domain: string, locals: string[], hosts: [string, ...string[]][], extra: Partial<ProbeTask> = {}): ProbeTask {
  return ProbeTask.parse({
    id: `it-${domain}`,
    domain,
    plan: { domain, rule: 'mx', ttl: 60, records: [], hosts: hosts.map(([host, ...addresses], i) => ({ host, preference: 10 * (i + 1), addresses })) },
    addresses: locals.map((l, i) => ({ id: `a${i}`, address: `${l}@${domain}` })),
    deadline_ms: 60_000,
    ...extra,
  });
}

/** A sender nobody used before, so greylisting triplets of earlier runs never let a test through. */
export const freshSender = (prefix = 'it'): string => `${prefix}-${randomUUID().slice(0, 8)}@prober.world.test`;

export interface WorldRunnerOptions {
  port?: number;
  heloName?: string;
  mailFrom?: string;
  timeouts?: Partial<SessionTimeouts>;
  /** How long a finished task's session waits for the next task to the same server (0: closed at once). */
  sessionIdleMs?: number;
  /** Per-server limits of the runner's own (default: a fresh HostLimiter with the defaults). */
  limiter?: HostLimiter;
}

export function worldRunner(options: WorldRunnerOptions = {}): TaskRunner {
  return createTaskRunner({
    dialer: createNetDialer(),
    heloName: options.heloName ?? 'prober.world.test',
    mailFrom: options.mailFrom ?? freshSender(),
    allowNets: [cidr('127.0.0.0/8')],
    port: options.port ?? 25,
    timeouts: options.timeouts,
    // By default each session ends with its task (QUIT counted), as most counts pin; sharing a
    // session with the next domain is pinned in test/unit/smtp/session-sharing.test.ts.
    sessionIdleMs: options.sessionIdleMs ?? 0,
    limiter: options.limiter,
  });
}

export const reasons = (r: ProbeResult): Record<string, string> => Object.fromEntries(r.results.map((x) => [x.address, x.smtp.reason]));

/**
 * A reply as world.ts writes the replies it specifies (none: undefined): "550 text" for one line,
 * "550-first\n…\n550 last" for several, as the server sent them.
 */
export const replyLine = (reply: SmtpReply | undefined): string | undefined =>
  reply && reply.lines.map((line, i) => `${reply.code}${i === reply.lines.length - 1 ? ' ' : '-'}${line}`).join('\n');
