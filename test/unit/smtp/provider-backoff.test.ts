/**
 * "Back off the provider, not the host": a refusal that names our IP from one MX host of a provider
 * keeps every MX host of that provider (same registered domain) undialed, for hours, longer on
 * each repeat; proven by counting connections on scripted servers under a fake clock.
 */
import { describe, expect, it } from 'vitest';
import { retryDecision } from '../../../edge/jobs/retry-policy.ts';
import { DEFAULT_RUNNER_OPTIONS } from '../../../edge/jobs/runner-options.ts';
import { EdgeMetrics } from '../../../edge/metrics/edge-metrics.ts';
import { ProviderBackoff } from '../../../prober/pool/provider-backoff.ts';
import { mailProviderOf } from '../../../protocol/index.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { FakeNetwork, type ServerScript } from './fake-smtp.ts';
import { makeTask, runnerFor, settle } from './harness.ts';

const MX1 = '192.0.2.10';
const MX2 = '192.0.2.11';
const OTHER = '192.0.2.20';
const HOUR = 60 * 60_000;

/** Gmail's rate limit of a sending IP, multi-line as sent (support.google.com/mail/answer/81126). */
const GMAIL_RATE_LIMIT = [
  '421-4.7.28 [192.0.2.99      15] Our system has detected an unusual rate of',
  '421-4.7.28 unsolicited mail originating from your IP address. To protect our',
  '421-4.7.28 users from spam, mail sent from your IP address has been temporarily',
  '421 4.7.28 rate limited. Please visit https://support.google.com/mail/answer/81126 to review our Bulk Email Senders Guidelines.',
].join('\r\n');
const SPAMHAUS = '554 5.7.1 Service unavailable; Client host [192.0.2.99] blocked using zen.spamhaus.org';

const rateLimited: ServerScript = { rcpt: () => GMAIL_RATE_LIMIT };
const provider = (mx1: ServerScript, mx2: ServerScript = {}) => ({ [MX1]: mx1, [MX2]: mx2, [OTHER]: {} });
const mx1Only: [string, ...string[]][] = [['mx1.provider.test', MX1]];
const mx2Only: [string, ...string[]][] = [['mx2.provider.test', MX2]];

describe('provider back-off', () => {
  it('groups MX hosts by registered domain', () => {
    expect([mailProviderOf('aspmx.l.google.com'), mailProviderOf('smtp.google.com')]).toEqual(['google.com', 'google.com']);
    expect(mailProviderOf('contoso-com.mail.protection.outlook.com')).toBe('outlook.com');
    expect(mailProviderOf('mx1.Provider.test.')).toBe('provider.test');
    expect(mailProviderOf('mx.example.co.uk')).toBe('example.co.uk');
    expect(mailProviderOf('192.0.2.1')).toBe('192.0.2.1');
  });

  it('a 421 naming our IP from mx1 keeps mx2 of the same provider undialed, for another domain too', async () => {
    const clock = new FakeClock();
    const network = new FakeNetwork(provider(rateLimited), clock);
    const run = runnerFor(network, clock);
    const first = await settle(clock, run(makeTask('a.test', ['alice', 'bob'], [...mx1Only, ...mx2Only], { catch_all: false })));
    expect(network.dials).toEqual([MX1]);
    expect(first.stats.provider_backoffs).toEqual(['provider.test']);
    // And tells the edge for how long, so it can give the provider's tasks to another prober.
    expect(first.stats.held_off).toEqual([{ provider: 'provider.test', for_s: 3600 }]);

    await clock.advance(600_000);
    const second = await settle(clock, run(makeTask('b.test', ['carol'], mx2Only, { catch_all: false, id: 't2' })));
    expect(network.dials).toEqual([MX1]);
    expect(second.stats.connections).toBe(0);
    expect(second.stats.backed_off).toBe(1);
    expect(second.stats.held_off).toEqual([{ provider: 'provider.test', for_s: 3000 }]);
    const smtp = second.results[0]!.smtp;
    expect([smtp.outcome, smtp.reason, smtp.cause, smtp.retry_after_s]).toEqual(['temporary', 'blocked_by_server', 'blocked', 3000]);
    expect(smtp.detail).toContain('provider.test');
    // The edge's retry policy knows the cause: it asks again later, not never.
    const decision = retryDecision(smtp, { retries: 0, retry_until: null, max_wait_ms: null }, clock.now(), DEFAULT_RUNNER_OPTIONS);
    expect(decision).toMatchObject({ retry: true, cause: 'blocked' });

    // Another provider is untouched.
    const third = await settle(clock, run(makeTask('c.test', ['dave'], [['mx.other.test', OTHER]], { catch_all: false, id: 't3' })));
    expect(network.dials).toEqual([MX1, OTHER]);
    expect(third.stats.held_off).toBeUndefined();
  });

  it('a 5xx naming our IP at RCPT ends the session and holds the rest of the task', async () => {
    const clock = new FakeClock();
    const network = new FakeNetwork(provider({ rcpt: () => SPAMHAUS }), clock);
    const result = await settle(clock, runnerFor(network, clock, { batchSize: 1 })(makeTask('a.test', ['alice', 'bob', 'carol'], [...mx1Only, ...mx2Only], { catch_all: false })));
    expect(network.dials).toEqual([MX1]);
    expect(network.commands('RCPT')).toHaveLength(1);
    expect(result.results.map((r) => [r.smtp.outcome, r.smtp.cause])).toEqual([['error', 'blocked'], ['temporary', 'blocked'], ['temporary', 'blocked']]);
    expect(result.stats.backed_off).toBe(2);
  });

  it('a 421 that names no IP (too many connections) backs off only that host', async () => {
    const clock = new FakeClock();
    const network = new FakeNetwork(provider({ rcpt: () => '421 4.7.0 Too many concurrent SMTP connections; please try again later' }), clock);
    const run = runnerFor(network, clock);
    const first = await settle(clock, run(makeTask('a.test', ['alice'], mx1Only, { catch_all: false })));
    expect(first.stats.provider_backoffs).toBeUndefined();
    const before = network.dials.length;
    await settle(clock, run(makeTask('b.test', ['carol'], mx2Only, { catch_all: false, id: 't2' })));
    expect(network.dials.slice(before)).toEqual([MX2]);
  });

  it('grows with repeats (1 h, then 2 h) and expires', async () => {
    const clock = new FakeClock();
    const network = new FakeNetwork(provider(rateLimited, { rcpt: () => SPAMHAUS }), clock);
    const run = runnerFor(network, clock);
    const task = (id: string, hosts: [string, ...string[]][]) => settle(clock, run(makeTask(`${id}.test`, ['alice'], hosts, { catch_all: false, id })));
    await task('t1', mx1Only);
    await clock.advance(HOUR - 1_000);
    await task('t2', mx2Only);
    expect(network.dials).toEqual([MX1]);

    // Over: the provider is dialed again, and refuses again (mx2, a blocklist this time).
    await clock.advance(2_000);
    const repeat = await task('t3', mx2Only);
    expect(network.dials).toEqual([MX1, MX2]);
    expect(repeat.stats.provider_backoffs).toEqual(['provider.test']);

    // The second back-off lasts twice as long: an hour and more later, still no connection.
    await clock.advance(HOUR + 30 * 60_000);
    const held = await task('t4', mx1Only);
    expect(held.results[0]!.smtp.retry_after_s).toBe(30 * 60);
    expect(network.dials).toEqual([MX1, MX2]);
    await clock.advance(31 * 60_000);
    await task('t5', [['mx3.provider.test', OTHER]]);
    expect(network.dials).toEqual([MX1, MX2, OTHER]);
  });

  it('is capped, and forgotten after a quiet week', async () => {
    const clock = new FakeClock();
    const backoff = new ProviderBackoff({ clock });
    const reply = { code: 421, lines: ['4.7.28 unusual rate of unsolicited mail'] };
    const lengths: number[] = [];
    for (let i = 0; i < 8; i++) {
      const block = backoff.refused('mx1.provider.test', reply)!;
      lengths.push((block.until - clock.now()) / HOUR);
      expect(backoff.refused('mx2.provider.test', reply)).toBeUndefined(); // no repeat while in effect
      await clock.advance(block.until - clock.now());
    }
    expect(lengths).toEqual([1, 2, 4, 8, 16, 24, 24, 24]);
    await clock.advance(8 * 24 * HOUR);
    expect((backoff.refused('mx1.provider.test', reply)!.until - clock.now()) / HOUR).toBe(1);
  });

  it('shows in /metrics through the probe stats', () => {
    const metrics = new EdgeMetrics();
    metrics.probed({ connections: 1, commands: 4, round_trips: 3, provider_backoffs: ['provider.test'] });
    metrics.probed({ connections: 0, commands: 0, round_trips: 0, backed_off: 3 });
    metrics.probed({ connections: 2, commands: 5, round_trips: 3, turned_away: 1 });
    const text = metrics.render();
    expect(text).toContain('bouncezero_smtp_provider_backoffs_total{provider="provider.test"} 1');
    expect(text).toContain('bouncezero_smtp_backed_off_addresses_total 3');
    expect(text).toContain('bouncezero_smtp_turned_away_total 1');
  });

  it('remembers back-offs the edge kept across a restart: held without a connection, capped, and no refusal made up', async () => {
    const clock = new FakeClock();
    const network = new FakeNetwork(provider(rateLimited), clock);
    const providers = new ProviderBackoff({ clock });
    providers.remember([{ provider: 'provider.test', for_s: 1800 }, { provider: 'forever.test', for_s: 10 * 24 * 3600 }]);
    const at = clock.now();
    const result = await settle(clock, runnerFor(network, clock, { providers })(makeTask('a.test', ['alice'], mx1Only, { catch_all: false })));
    expect(network.dials).toEqual([]);
    const smtp = result.results[0]!.smtp;
    expect([smtp.outcome, smtp.cause, smtp.retry_after_s]).toEqual(['temporary', 'blocked', 1800]);
    expect(smtp.detail).toContain('before this prober restarted (kept by the edge)');
    expect(providers.active().map((b) => [b.provider, (b.until - at) / HOUR, b.refusal])).toEqual([
      ['provider.test', 0.5, undefined],
      ['forever.test', 24, undefined],
    ]);
  });
});
