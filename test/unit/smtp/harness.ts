import { ProbeTask, type Random } from '../../../protocol/index.ts';
import { createTaskRunner, type TaskRunnerOptions } from '../../../prober/engine/create-task-runner.ts';
import { cidr } from '../../../net/cidr.ts';
import type { FakeClock } from '../../support/fake-clock.ts';
import type { FakeNetwork } from './fake-smtp.ts';

/** A task for `domain` with MX hosts [name, ...addresses] in plan order. */
export function makeTask(
  domain: string,
  locals: string[],
  hosts: [string, ...string[]][],
  extra: Partial<Pick<ProbeTask, 'catch_all' | 'fresh' | 'deadline_ms' | 'id'>> & { smtputf8?: string[] } = {},
): ProbeTask {
  return ProbeTask.parse({
    id: extra.id ?? `t-${domain}`,
    domain,
    plan: {
      domain, rule: 'mx', ttl: 300, records: [],
      hosts: hosts.map(([host, ...addresses], i) => ({ host, preference: 10 * (i + 1), addresses })),
    },
    addresses: locals.map((l, i) => ({ id: `a${i}`, address: `${l}@${domain}`, smtputf8: extra.smtputf8?.includes(l) ?? false })),
    deadline_ms: extra.deadline_ms ?? 10 * 60_000,
    catch_all: extra.catch_all ?? true,
    fresh: extra.fresh ?? false,
  });
}

/** Deterministic "random" bytes: a counter, so probe local parts differ and tests repeat. */
export function counterRandom(): Random {
  let n = 0;
  return {
    next: () => ((n++ * 0.618033) % 1),
    bytes: (k) => Uint8Array.from({ length: k }, () => (n++ * 37) % 251),
  };
}

/** Drives the fake clock until the promise settles (every timeout in the code is on this clock). */
export async function settle<T>(clock: FakeClock, promise: Promise<T>, stepMs = 250, maxSteps = 20_000): Promise<T> {
  let done = false;
  void promise.finally(() => (done = true)).catch(() => {});
  for (let i = 0; i < maxSteps && !done; i++) await clock.advance(stepMs);
  if (!done) throw new Error('promise did not settle');
  return promise;
}

/** Sessions end with their task unless `sessionIdleMs` says otherwise (session-sharing.test.ts). */
export function runnerFor(network: FakeNetwork, clock: FakeClock, options: Partial<TaskRunnerOptions> = {}) {
  return createTaskRunner({
    sessionIdleMs: 0,
    dialer: network,
    clock,
    random: counterRandom(),
    heloName: 'prober.example.test',
    mailFrom: 'verify@prober.example.test',
    allowNets: [cidr('192.0.2.0/24')],
    ...options,
  });
}
