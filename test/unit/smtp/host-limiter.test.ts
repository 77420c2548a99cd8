import { describe, expect, it } from 'vitest';
import { CLOSE_LAG_MS, HostLimiter, LEARNED_CAP_MS, LEARNED_RATE_MS } from '../../../prober/pool/host-limiter.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { FakeNetwork, type ServerScript } from './fake-smtp.ts';
import { makeTask, runnerFor, settle } from './harness.ts';

const MX = '192.0.2.10';

/** Answers each RCPT (250) only after `ms`, so sessions overlap wherever the limiter lets them. */
const slowRcpt = (clock: FakeClock, ms: number): ServerScript['onLine'] => (line, s) => {
  if (!line.startsWith('RCPT')) return undefined;
  clock.setTimer(() => s.send('250 2.1.5 Ok\r\n'), ms);
  return null;
};

describe('per-MX-address politeness', () => {
  it('caps concurrent sessions per address, shared by all tasks of the process', async () => {
    const clock = new FakeClock();
    let open = 0;
    let peak = 0;
    const script: ServerScript = {
      onConnect: () => {
        open++;
        peak = Math.max(peak, open);
      },
      onClose: () => open--,
      onLine: slowRcpt(clock, 2_000),
    };
    const network = new FakeNetwork({ [MX]: script }, clock);
    const limiter = new HostLimiter(clock);
    const run = runnerFor(network, clock, { limiter });
    const tasks = Array.from({ length: 5 }, (_, i) => run(makeTask(`d${i}.test`, ['alice'], [['mx.shared.test', MX]], { catch_all: false })));
    const results = await settle(clock, Promise.all(tasks));
    expect(results.every((r) => r.results[0]!.smtp.outcome === 'accepted')).toBe(true);
    expect(network.sessions).toHaveLength(5);
    expect(peak).toBe(2);
  });

  it('caps new sessions per minute', async () => {
    const clock = new FakeClock();
    const limiter = new HostLimiter(clock, { maxConcurrent: 100, maxPerMinute: 3 });
    const starts: number[] = [];
    for (let i = 0; i < 7; i++) {
      const slot = await settle(clock, limiter.acquire(MX, clock.now() + 10 * 60_000).then((s) => (starts.push(clock.now()), s)));
      if (!slot.ok) throw new Error('no slot');
      slot.release();
    }
    const t0 = starts[0]!;
    expect(starts.map((t) => Math.floor((t - t0) / 60_000))).toEqual([0, 0, 0, 1, 1, 1, 2]);
  });

  it('backs off exponentially (capped) after busy replies, and a wait never outlives the deadline', async () => {
    const clock = new FakeClock();
    const limiter = new HostLimiter(clock, { backoffBaseMs: 1_000, backoffMaxMs: 5_000 });
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      limiter.backOff(MX);
      delays.push(limiter.inspect(MX).backoffUntil - clock.now());
      await clock.advance(delays.at(-1)!);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
    limiter.backOff(MX);
    expect(await limiter.acquire(MX, clock.now() + 1_000)).toEqual({ ok: false, reason: 'deadline' });
    limiter.recovered(MX);
    const abort = new AbortController();
    const waiting = limiter.acquire(MX, clock.now() + 60_000, abort.signal);
    abort.abort();
    expect(await settle(clock, waiting)).toEqual({ ok: false, reason: 'aborted' });
  });

  it('a 421 "too many connections" banner backs the host off; the task fails over rather than wait past its deadline', async () => {
    const clock = new FakeClock();
    const busy: ServerScript = { banner: '421 4.7.0 mx.test Error: too many connections from 192.0.2.1' };
    const network = new FakeNetwork({ [MX]: busy, '192.0.2.11': {} }, clock);
    const limiter = new HostLimiter(clock);
    const run = runnerFor(network, clock, { limiter });
    const plan: [string, ...string[]][] = [['mx1.test', MX], ['mx2.test', '192.0.2.11']];
    const first = await settle(clock, run(makeTask('d.test', ['alice'], plan, { catch_all: false })));
    expect(first.results[0]!.smtp.mx_address).toBe('192.0.2.11');
    expect(limiter.inspect(MX).backoffUntil).toBeGreaterThan(clock.now());
    const second = await settle(clock, run(makeTask('d.test', ['bob'], plan, { catch_all: false, deadline_ms: 10_000 })));
    expect(second.results[0]!.smtp.mx_address).toBe('192.0.2.11');
    expect(network.dials).toEqual([MX, '192.0.2.11', '192.0.2.11']);
  });

  describe('a server that allows one session of ours at a time (Postfix smtpd_client_connection_count_limit = 1)', () => {
    /**
     * Turns away, at its banner, any session past the first one open, as Postfix's anvil does;
     * it counts a session as open until `lagMs` after the client closed it.
     */
    function oneAtATime(clock: FakeClock, lagMs = 0) {
      let open = 0;
      let turnedAway = 0;
      const script: ServerScript = {
        banner: null,
        onConnect: (s) => {
          if (open >= 1) {
            turnedAway++;
            s.send('421 4.7.0 mx.test Error: too many connections from 192.0.2.1\r\n');
            s.close();
            return;
          }
          open++;
          s.send('220 mx.test ESMTP\r\n');
        },
        onClose: (s) => {
          if (s.lines.length > 0) clock.setTimer(() => open--, lagMs);
        },
        onLine: slowRcpt(clock, 1_000),
      };
      return { script, turnedAway: () => turnedAway };
    }

    it('the one turn-away teaches the limit: the other tasks wait for the open session, every address is answered, no back-off', async () => {
      const clock = new FakeClock();
      const server = oneAtATime(clock);
      const network = new FakeNetwork({ [MX]: server.script }, clock);
      const limiter = new HostLimiter(clock);
      const run = runnerFor(network, clock, { limiter, sessionIdleMs: 1_000 });
      const tasks = Array.from({ length: 4 }, (_, i) => run(makeTask(`d${i}.test`, ['alice'], [['mx.shared.test', MX]], { catch_all: false })));
      const results = await settle(clock, Promise.all(tasks));
      expect(results.map((r) => r.results[0]!.smtp.outcome)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
      expect(server.turnedAway()).toBe(1);
      expect(results.reduce((n, r) => n + (r.stats.turned_away ?? 0), 0)).toBe(1);
      expect(network.dials).toHaveLength(2);
      expect(network.commands('EHLO')).toHaveLength(1);
      expect(limiter.inspect(MX)).toMatchObject({ concurrency: 1, backoffUntil: 0 });
    });

    it('a server still counting the session we just closed: once the limit is known, its turn-away is waited out (CLOSE_LAG_MS), not backed off', async () => {
      const clock = new FakeClock();
      const t0 = clock.now();
      const server = oneAtATime(clock, 300);
      const network = new FakeNetwork({ [MX]: server.script }, clock);
      const limiter = new HostLimiter(clock);
      // Each task closes its session: the next one connects while the server still counts it.
      const run = runnerFor(network, clock, { limiter, sessionIdleMs: 0 });
      const tasks = Array.from({ length: 3 }, (_, i) => run(makeTask(`d${i}.test`, ['alice'], [['mx.shared.test', MX]], { catch_all: false })));
      const results = await settle(clock, Promise.all(tasks));
      expect(results.map((r) => r.results[0]!.smtp.outcome)).toEqual(['accepted', 'accepted', 'accepted']);
      expect(server.turnedAway()).toBeGreaterThan(1);
      expect(network.commands('EHLO')).toHaveLength(3);
      expect(limiter.inspect(MX).backoffUntil).toBeLessThanOrEqual(clock.now());
      // Waited out, not backed off: far less than the first back-off (30 s) went by.
      expect(clock.now() - t0).toBeLessThan(10_000);
    });

    it('a 421 at the banner that names our IP (Yahoo’s TSS04) is a block of us, not a limit on sessions: nothing is learned', async () => {
      const clock = new FakeClock();
      let sessions = 0;
      const script: ServerScript = {
        banner: null,
        onConnect: (s) => {
          if (sessions++ === 0) return void s.send('220 mx.test ESMTP\r\n');
          s.send('421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes\r\n');
          s.close();
        },
        onLine: slowRcpt(clock, 1_000),
      };
      const network = new FakeNetwork({ [MX]: script }, clock);
      const limiter = new HostLimiter(clock);
      const run = runnerFor(network, clock, { limiter, sessionIdleMs: 1_000 });
      const results = await settle(clock, Promise.all(['a.test', 'b.test'].map((d) => run(makeTask(d, ['alice'], [['mx.yahoo.test', MX]], { catch_all: false })))));
      // Both come back later: the block ends the open session too (the provider's back-off holds for every task).
      expect(results.map((r) => [r.results[0]!.smtp.outcome, r.results[0]!.smtp.reason])).toEqual([['temporary', 'blocked_by_server'], ['temporary', 'server_closing']]);
      expect(network.dials).toHaveLength(2);
      expect(limiter.inspect(MX).concurrency).toBe(2);
    });

    it('the limit is kept for an hour; meanwhile a turn-away with none of ours open is waited out (CLOSE_LAG_MS), after it such a turn-away is a rate or load limit', async () => {
      const clock = new FakeClock();
      const limiter = new HostLimiter(clock);
      const open = await limiter.acquire(MX, clock.now() + 1_000);
      const refused = await limiter.acquire(MX, clock.now() + 1_000);
      expect(limiter.turnedAway(MX)).toBe(true);
      expect(limiter.inspect(MX).concurrency).toBe(1);
      for (const slot of [open, refused]) if (slot.ok) slot.release();
      const lagging = await limiter.acquire(MX, clock.now() + 1_000);
      expect(limiter.turnedAway(MX)).toBe(true);
      expect(limiter.inspect(MX).backoffUntil).toBe(clock.now() + CLOSE_LAG_MS);
      if (lagging.ok) lagging.release();
      await clock.advance(LEARNED_CAP_MS);
      expect(limiter.inspect(MX).concurrency).toBe(2);
      const alone = await limiter.acquire(MX, clock.now() + 1_000);
      expect(limiter.turnedAway(MX)).toBe(false);
      if (alone.ok) alone.release();
    });

    it('turned away with no other session of ours open or begun this minute: the server is busy or blocks us, nothing is learned (run-task backs off, as above)', async () => {
      const clock = new FakeClock();
      const limiter = new HostLimiter(clock);
      const refused = await limiter.acquire(MX, clock.now() + 1_000);
      expect(limiter.turnedAway(MX)).toBe(false);
      if (refused.ok) refused.release();
      expect(limiter.inspect(MX)).toMatchObject({ concurrency: 2, perWindow: 30 });
    });
  });

  describe('a server that allows two new sessions of ours a minute (Postfix smtpd_client_connection_rate_limit = 2)', () => {
    /**
     * Turns away, at its banner, a session past `limit` in its minute, counted as Postfix's anvil
     * counts: in whole seconds, a minute from the first session after the last one ended, the
     * sessions it turned away included.
     */
    function twoAMinute(clock: FakeClock, { limit = 2, firstCountedAfterMs = 0 } = {}) {
      const begun: number[] = [];
      const turnedAway: number[] = [];
      let windowStart = -Infinity;
      let count = 0;
      const answer = (s: Parameters<NonNullable<ServerScript['onConnect']>>[0]) => {
        const now = clock.now();
        const second = Math.floor(now / 1_000);
        if (windowStart + 60 < second) [windowStart, count] = [second, 0];
        if (++count > limit) {
          turnedAway.push(now);
          s.send('421 4.7.0 mx.test Error: too many connections from 192.0.2.1\r\n');
          s.close();
          return;
        }
        s.send('220 mx.test ESMTP\r\n');
      };
      const script: ServerScript = {
        banner: null,
        onConnect: (s) => {
          begun.push(clock.now());
          // A server's first session may be counted a while after it came (a new smtpd process).
          if (begun.length === 1 && firstCountedAfterMs > 0) clock.setTimer(() => answer(s), firstCountedAfterMs);
          else answer(s);
        },
      };
      return { script, begun, turnedAway };
    }

    it('two turn-aways teach the rate (the first, right after a close, is taken for the server’s lag): later sessions wait for the minute, every address is answered, no back-off', async () => {
      const clock = new FakeClock();
      const t0 = clock.now();
      const server = twoAMinute(clock);
      const network = new FakeNetwork({ [MX]: server.script }, clock);
      const limiter = new HostLimiter(clock);
      // Each task closes its session, so each needs a new one.
      const run = runnerFor(network, clock, { limiter, sessionIdleMs: 0 });
      const results = [];
      for (let i = 0; i < 6; i++) results.push(await settle(clock, run(makeTask(`d${i}.test`, ['alice'], [['mx.shared.test', MX]], { catch_all: false }))));
      expect(results.map((r) => r.results[0]!.smtp.outcome)).toEqual(Array(6).fill('accepted'));
      // The third task's session was turned away twice: once, with the second just closed, taken
      // for the server's lag and tried again a second later, then taken for its rate.
      expect(server.turnedAway.map((t) => t - t0)).toEqual([500, 500 + CLOSE_LAG_MS]);
      expect(results.map((r) => r.stats.turned_away ?? 0)).toEqual([0, 0, 2, 0, 0, 0]);
      // Never backed off: the only hold was the second's wait for the lag.
      expect(limiter.inspect(MX)).toMatchObject({ perWindow: 2, concurrency: 2, backoffUntil: t0 + 500 + CLOSE_LAG_MS });
      // Two sessions a minute: the third task's turn came a minute after the first ones, the fifth's a minute later.
      expect(server.begun.map((t) => Math.floor((t - t0) / 60_000))).toEqual([0, 0, 0, 0, 1, 1, 2, 2]);
    });

    it('the server counted its first session late, just past a whole second: the learned window is waited out from its answer, so no third turn-away', async () => {
      const clock = new FakeClock();
      // The first dial 0.9 s into a second, counted 0.2 s later: the server's window begins a second later than our dial's.
      await clock.advance(1_000 - (clock.now() % 1_000) - 100);
      const t0 = clock.now();
      const server = twoAMinute(clock, { firstCountedAfterMs: 200 });
      const network = new FakeNetwork({ [MX]: server.script }, clock);
      const limiter = new HostLimiter(clock);
      const run = runnerFor(network, clock, { limiter, sessionIdleMs: 0 });
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await settle(clock, run(makeTask(`d${i}.test`, ['alice'], [['mx.shared.test', MX]], { catch_all: false }))));
      expect(results.map((r) => r.results[0]!.smtp.outcome)).toEqual(Array(4).fill('accepted'));
      expect(results.map((r) => r.stats.turned_away ?? 0)).toEqual([0, 0, 2, 0]);
      expect(server.turnedAway).toHaveLength(2);
      // The third task's session came a minute and a second (or more) after the server counted the first.
      expect(server.begun.at(-2)! - (t0 + 200)).toBeGreaterThanOrEqual(61_000);
    });

    it('a turn-away right after a close is first taken for the server’s lag; turned away again, the sessions let in this minute are its rate, kept for LEARNED_RATE_MS', async () => {
      const clock = new FakeClock();
      const limiter = new HostLimiter(clock, { maxConcurrent: 100 });
      const begin = async () => {
        const slot = await settle(clock, limiter.acquire(MX, clock.now() + 10 * 60_000));
        if (!slot.ok) throw new Error('no slot');
        return slot;
      };
      for (let i = 0; i < 3; i++) (await begin()).release();
      let refused = await begin();
      expect(limiter.turnedAway(MX)).toBe(true);
      expect(limiter.inspect(MX)).toMatchObject({ perWindow: 30, backoffUntil: clock.now() + CLOSE_LAG_MS });
      refused.release();
      refused = await begin();
      expect(limiter.turnedAway(MX)).toBe(true);
      expect(limiter.inspect(MX).perWindow).toBe(3);
      refused.release();
      // A minute and a half on, one let in and, later, one turned away: the lower rate is learned.
      await clock.advance(90_000);
      (await begin()).release();
      await clock.advance(5_000);
      refused = await begin();
      expect(limiter.turnedAway(MX)).toBe(true);
      expect(limiter.inspect(MX).perWindow).toBe(1);
      refused.release();
      await clock.advance(LEARNED_RATE_MS);
      expect(limiter.inspect(MX).perWindow).toBe(30);
    });
  });
});
