import { describe, expect, it } from 'vitest';
import { HostLimiter } from '../../../prober/pool/host-limiter.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { FakeNetwork, type ServerScript } from './fake-smtp.ts';
import { makeTask, runnerFor, settle } from './harness.ts';

/** One mail server taking mail for many domains; only alice, bob and carol exist (probes are refused too). */
const MX = '192.0.2.30';
const script: ServerScript = { rcpt: (address) => (/^(alice|bob|carol)@/.test(address) ? '250 2.1.5 Ok' : '550 5.1.1 <x>: Recipient address rejected: User unknown') };

function world(sessionIdleMs = 1_000, maxConcurrent = 2) {
  const clock = new FakeClock();
  const network = new FakeNetwork({ [MX]: script }, clock);
  const limiter = new HostLimiter(clock, { maxConcurrent, maxPerMinute: 1000 });
  return { clock, network, limiter, run: runnerFor(network, clock, { sessionIdleMs, limiter }) };
}

const domainTask = (domain: string) => makeTask(domain, ['alice', 'bob', 'carol', 'gone1', 'gone2'], [[`mx.${domain}`, MX]], { id: `t-${domain}` });
/** A domain whose catch-all answer is known: two mailboxes, one refusal of the session's budget of 8. */
const smallTask = (domain: string) => makeTask(domain, ['alice', 'gone1'], [[`mx.${domain}`, MX]], { id: `t-${domain}`, catch_all: false });

describe('one session per domain per task', () => {
  it('five addresses and the first catch-all probe: one session, one MAIL FROM, six RCPTs (the probe refused, the other two are not needed), all in one write after EHLO', async () => {
    const { clock, network, run } = world(0);
    const result = await settle(clock, run(domainTask('one.test')));
    expect(network.sessions).toHaveLength(1);
    expect(network.commands('MAIL')).toHaveLength(1);
    expect(network.commands('RCPT')).toHaveLength(6);
    expect(result.stats).toMatchObject({ connections: 1, round_trips: 2 });
    expect(result.results.map((r) => r.smtp.outcome)).toEqual(['accepted', 'accepted', 'accepted', 'rejected', 'rejected']);
  });
});

describe('sessions shared across domains of one mail server', () => {
  it('tasks one after another: one session carries every domain (RSET between), the later tasks open no connection', async () => {
    const { clock, network, run } = world();
    const results = [];
    for (const d of ['a.test', 'b.test', 'c.test']) results.push(await settle(clock, run(smallTask(d))));
    expect(network.dials).toHaveLength(1);
    expect(network.commands('EHLO')).toHaveLength(1);
    expect(network.commands('MAIL')).toHaveLength(3);
    expect(network.commands('RSET')).toHaveLength(2);
    const domains = new Set(network.commands('RCPT').map((l) => /@([^>]+)>/.exec(l)?.[1]));
    expect([...domains].sort()).toEqual(['a.test', 'b.test', 'c.test']);
    expect(results.map((r) => r.stats.connections)).toEqual([1, 0, 0]);
    expect(results.every((r) => r.results.map((x) => x.smtp.outcome).join() === 'accepted,rejected')).toBe(true);
  });

  it('the refusals a session has seen carry over to the next domain: past the budget (8) it is closed, not shared', async () => {
    const { clock, network, run } = world();
    // a.test costs 3 refusals (2 unknown mailboxes and the first probe, whose refusal settles the
    // catch-all question), b.test and c.test 2 each (no room left for three probes: their unknown
    // mailboxes settle it); d.test's first refusal fills the budget: the rest goes in a new session.
    for (const d of ['a.test', 'b.test', 'c.test', 'd.test']) await settle(clock, run(domainTask(d)));
    expect(network.sessions.map((s) => s.rejections)).toEqual([8, 1]);
  });

  it('a domain whose probes no longer fit the shared session’s refusal budget is answered there and probed in a fresh session, not left catch-all unknown', async () => {
    const { clock, network, run } = world();
    // a.test's six unknown mailboxes settle its catch-all question and leave room for 2 refusals, not 3 probes.
    await settle(clock, run(makeTask('a.test', ['alice', 'gone1', 'gone2', 'gone3', 'gone4', 'gone5', 'gone6'], [['mx.a.test', MX]], { id: 't-a' })));
    const b = await settle(clock, run(makeTask('b.test', ['alice', 'bob'], [['mx.b.test', MX]], { id: 't-b' })));
    expect(b.results.map((r) => r.smtp.reason)).toEqual(['accepted', 'accepted']);
    expect(b.catch_all).toMatchObject({ status: 'no', cached: false });
    expect(b.results.map((r) => r.smtp.mx_address)).toEqual([MX, MX]);
    expect(network.sessions.map((s) => s.rejections)).toEqual([6, 1]);
  });

  it('many tasks at once: no more sessions than the per-server limit, each domain answered', async () => {
    const { clock, network, run } = world(1_000, 2);
    const domains = Array.from({ length: 8 }, (_, i) => `d${i}.test`);
    const results = await settle(clock, Promise.all(domains.map((d) => run(smallTask(d)))));
    expect(network.sessions).toHaveLength(2);
    expect(network.commands('RCPT')).toHaveLength(8 * 2);
    expect(results.reduce((n, r) => n + r.stats.connections, 0)).toBe(2);
    expect(results.every((r) => r.results.map((x) => x.smtp.outcome).join() === 'accepted,rejected')).toBe(true);
  });

  it('an unclaimed session is closed with QUIT after the idle time, and its slot freed', async () => {
    const { clock, network, limiter, run } = world(1_000);
    await settle(clock, run(domainTask('a.test')));
    expect(limiter.inspect(MX)).toMatchObject({ active: 1, parked: 1 });
    expect(network.commands('QUIT')).toHaveLength(0);
    await clock.advance(1_001);
    expect(network.commands('QUIT')).toHaveLength(1);
    expect(limiter.inspect(MX)).toMatchObject({ active: 0, parked: 0 });
  });

  it('a session the server closed while parked is not used: the next task opens a fresh one', async () => {
    const { clock, network, run } = world(1_000);
    await settle(clock, run(domainTask('a.test')));
    network.sessions[0]!.close();
    await clock.advance(0);
    const second = await settle(clock, run(domainTask('b.test')));
    expect(network.dials).toHaveLength(2);
    expect(second.stats.connections).toBe(1);
    expect(second.results.filter((x) => x.smtp.outcome === 'accepted')).toHaveLength(3);
  });
});

describe('a server that will not mix domains in one session', () => {
  /** Binds a session to the domain of its first RCPT: another domain's RCPTs get a policy refusal. */
  const binding: ServerScript = {
    rcpt: (address, s) => {
      const first = s.lines.find((l) => l.startsWith('RCPT TO:'));
      const domainOf = (text: string) => /@([^>]+)>?/.exec(text)?.[1];
      if (first && domainOf(first) !== domainOf(address)) return `550 5.7.1 <${address}>: Recipient address rejected: domain mismatch`;
      return script.rcpt!(address, s);
    },
  };

  it('the refused domain is asked again in a session of its own, never answered undeliverable, and the host keeps per-domain sessions', async () => {
    const clock = new FakeClock();
    const network = new FakeNetwork({ [MX]: binding }, clock);
    const limiter = new HostLimiter(clock, { maxConcurrent: 2, maxPerMinute: 1000 });
    const run = runnerFor(network, clock, { sessionIdleMs: 1_000, limiter });
    const results = [];
    for (const d of ['a.test', 'b.test', 'c.test']) results.push(await settle(clock, run(smallTask(d))));
    // a.test's session carried b.test's first try (refused for the domain), then b.test and c.test each had their own.
    const rcptDomains = network.sessions.map((s) => s.lines.filter((l) => l.startsWith('RCPT')).map((l) => /@([^>]+)>/.exec(l)?.[1]));
    expect(rcptDomains).toEqual([['a.test', 'a.test', 'b.test', 'b.test'], ['b.test', 'b.test'], ['c.test', 'c.test']]);
    expect(results.map((r) => r.stats.connections)).toEqual([1, 1, 1]);
    expect(results.map((r) => r.results.map((x) => `${x.smtp.outcome}/${x.smtp.reason}`).join())).toEqual(
      Array(3).fill('accepted/accepted,rejected/mailbox_not_found'),
    );
    // Remembered: c.test went straight to a session of its own, and none is left parked for sharing.
    expect(limiter.inspect(MX).parked).toBe(0);
  });
});
