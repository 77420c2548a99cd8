import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../support/fake-clock.ts';
import { FakeNetwork, type ServerScript } from './fake-smtp.ts';
import { makeTask, runnerFor, settle } from './harness.ts';
import { hmacSha256 } from '../../../prober/adapters/hmac-node.ts';
import { probeAddresses } from '../../../prober/engine/catch-all-probe.ts';
import { publicAnswer } from '../../support/public-answer.ts';

const MX = '192.0.2.10';
const acceptAll: ServerScript = {};
const probeLocal = /^RCPT TO:<([a-z0-9]{16,})@/;

function world(script: ServerScript) {
  const clock = new FakeClock();
  const network = new FakeNetwork({ [MX]: script }, clock);
  return { clock, network, run: runnerFor(network, clock) };
}

const probes = (network: FakeNetwork) => network.wire.filter((l) => probeLocal.test(l) && !/user\d/.test(l));

describe('catch-all detection', () => {
  it('the first random RCPT in the same write as the last batch, accepted, the other two in one write after it; all accepted ⇒ catch_all', async () => {
    const { clock, network, run } = world(acceptAll);
    const task = makeTask('ca.test', ['alice', 'bob'], [['mx.ca.test', MX]]);
    const result = await settle(clock, run(task));
    expect(result.catch_all).toEqual({ status: 'yes', cached: false, mx_host: 'mx.ca.test' });
    // The SMTP answers stay what the server said; the catch-all answer beside them makes them risky.
    expect(result.results.map((r) => [r.smtp.outcome, r.smtp.reason])).toEqual([['accepted', 'accepted'], ['accepted', 'accepted']]);
    for (const address of ['alice@ca.test', 'bob@ca.test']) expect(await publicAnswer(task, result, address)).toEqual({ verdict: 'risky', reason: 'catch_all' });
    const sent = probes(network);
    expect(sent).toHaveLength(3);
    expect(new Set(sent).size).toBe(3);
    for (const line of sent) expect(probeLocal.exec(line)![1]!.length).toBeGreaterThanOrEqual(16);
    // EHLO; MAIL FROM, two RCPTs and the first probe; the other two probes (QUIT is not waited for).
    expect(result.stats).toEqual({ connections: 1, commands: 1 + 1 + 5 + 1, round_trips: 3 });
    expect(network.sessions[0]!.writes).toBe(4);
  });

  it('the other two probes follow an accepted first one only while the transaction stands: none after a refused MAIL FROM', async () => {
    const { clock, network, run } = world({ mail: () => '550 5.7.1 Sender address rejected: Access denied' });
    const result = await settle(clock, run(makeTask('ca.test', ['alice'], [['mx.ca.test', MX]])));
    expect(result.results[0]!.smtp).toMatchObject({ outcome: 'error', reason: 'blocked_by_server' });
    // The fake answers RCPT after a refused MAIL FROM as if it stood; the prober sent only what rode with it.
    expect(probes(network)).toHaveLength(1);
    expect(network.commands('RCPT')).toHaveLength(2);
  });

  it('is asked once per domain and MX host: a later task sends no probe, `fresh` asks again, catch_all=false skips it', async () => {
    const { clock, network, run } = world(acceptAll);
    await settle(clock, run(makeTask('ca.test', ['alice'], [['mx.ca.test', MX]])));
    const secondTask = makeTask('ca.test', ['bob'], [['mx.ca.test', MX]]);
    const second = await settle(clock, run(secondTask));
    expect(second.catch_all).toEqual({ status: 'yes', cached: true, mx_host: 'mx.ca.test' });
    expect(second.results[0]!.smtp.reason).toBe('accepted');
    expect(await publicAnswer(secondTask, second, 'bob@ca.test')).toEqual({ verdict: 'risky', reason: 'catch_all' });
    expect(probes(network)).toHaveLength(3);
    await settle(clock, run(makeTask('ca.test', ['carol'], [['mx.ca.test', MX]], { fresh: true })));
    expect(probes(network)).toHaveLength(6);
    const skipped = await settle(clock, run(makeTask('other.test', ['dave'], [['mx.ca.test', MX]], { catch_all: false })));
    expect(skipped.catch_all).toEqual({ status: 'unknown', cached: false });
    expect(skipped.results[0]!.smtp.reason).toBe('accepted');
    expect(probes(network)).toHaveLength(6);
  });

  it('the cached answer expires after its TTL', async () => {
    const { clock, network, run } = world(acceptAll);
    await settle(clock, run(makeTask('ca.test', ['alice'], [['mx.ca.test', MX]])));
    await clock.advance(24 * 60 * 60_000 + 1);
    const later = await settle(clock, run(makeTask('ca.test', ['bob'], [['mx.ca.test', MX]])));
    expect(later.catch_all.cached).toBe(false);
    expect(probes(network)).toHaveLength(6);
  });

  it('one refused probe ⇒ not catch-all, cached, and the other two never sent; accepted addresses stay "accepted"', async () => {
    const { clock, network, run } = world({ rcpt: (a) => (a.startsWith('alice') ? '250 2.1.5 Ok' : '550 5.1.1 User unknown') });
    const result = await settle(clock, run(makeTask('real.test', ['alice'], [['mx.real.test', MX]])));
    expect(result.catch_all).toEqual({ status: 'no', cached: false, mx_host: 'mx.real.test' });
    expect(result.results[0]!.smtp.reason).toBe('accepted');
    const again = await settle(clock, run(makeTask('real.test', ['alice'], [['mx.real.test', MX]])));
    expect(again.catch_all).toMatchObject({ status: 'no', cached: true });
    expect(probes(network)).toHaveLength(1);
  });

  it('probes answered 4xx leave the answer unknown and uncached, so the retry with the greylisted addresses asks again', async () => {
    let greylisting = true;
    const { clock, network, run } = world({
      rcpt: (a) => (greylisting && !a.startsWith('alice') ? '450 4.2.0 Greylisted, please retry in 60 seconds' : '250 2.1.5 Ok'),
    });
    const first = await settle(clock, run(makeTask('grey.test', ['alice', 'bob'], [['mx.grey.test', MX]])));
    // The open check carries the probes' own hint, so a job asks again when the greylist said (job-runner.test.ts).
    expect(first.catch_all).toEqual({ status: 'unknown', cached: false, mx_host: 'mx.grey.test', open: true, retry_after_s: 60 });
    expect(first.results.map((r) => [r.smtp.outcome, r.smtp.reason, r.smtp.retry_after_s])).toEqual([
      ['accepted', 'accepted', undefined],
      ['temporary', 'greylisted', 60],
    ]);
    greylisting = false;
    const retry = await settle(clock, run(makeTask('grey.test', ['bob'], [['mx.grey.test', MX]])));
    expect(retry.catch_all).toMatchObject({ status: 'yes', cached: false });
    expect(probes(network)).toHaveLength(6);
  });

  it('greylisted probes: the open check keeps the longest hint (every probe has to pass), none when the replies name no delay', async () => {
    const hints = [30, 300, 120];
    let n = 0;
    const { clock, run } = world({ rcpt: (a) => (a.startsWith('alice') ? '250 2.1.5 Ok' : `450 4.2.0 Greylisted, please try again in ${hints[n++ % 3]} seconds`) });
    const hinted = await settle(clock, run(makeTask('grey.test', ['alice'], [['mx.grey.test', MX]])));
    expect(hinted.catch_all).toMatchObject({ status: 'unknown', open: true, retry_after_s: 300 });
    // postgrey's default text: "Greylisted, see http://postgrey.schweikert.ch/help/…" names no delay.
    const plain = world({ rcpt: (a) => (a.startsWith('alice') ? '250 2.1.5 Ok' : '450 4.2.0 <x@grey.test>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/grey.test.html') });
    const unhinted = await settle(plain.clock, plain.run(makeTask('grey.test', ['alice'], [['mx.grey.test', MX]])));
    expect(unhinted.catch_all).toEqual({ status: 'unknown', cached: false, mx_host: 'mx.grey.test', open: true });
  });

  it('probes refused because of us (a blocklist 554) say nothing about the domain: unknown, not cached', async () => {
    const { clock, network, run } = world({ rcpt: () => '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org' });
    const first = await settle(clock, run(makeTask('bl.test', ['alice'], [['mx.bl.test', MX]])));
    expect(first.results[0]!.smtp.reason).toBe('blocked_by_server');
    expect(first.catch_all).toMatchObject({ status: 'unknown', cached: false });
    // The blocklist named our IP: the provider is left alone for an hour (provider-backoff.test.ts), well within the cache's day.
    await clock.advance(60 * 60_000);
    await settle(clock, run(makeTask('bl.test', ['alice'], [['mx.bl.test', MX]])));
    expect(probes(network)).toHaveLength(6);
  });

  it('a host with small batches still gets its probe, in a batch of its own', async () => {
    const clock = new FakeClock();
    const network = new FakeNetwork({ [MX]: acceptAll }, clock);
    const run = runnerFor(network, clock, { batchSize: 2 });
    const result = await settle(clock, run(makeTask('ca.test', ['alice', 'bob'], [['mx.ca.test', MX]])));
    expect(result.catch_all.status).toBe('yes');
    expect(network.sessions).toHaveLength(1);
    expect(network.wire.filter((l) => l.startsWith('MAIL'))).toHaveLength(2);
  });

  it('a probe that would exceed the rejection budget goes to a session of its own', async () => {
    const { clock, network, run } = world({ rcpt: (a) => (a.startsWith('ok') ? '250 2.1.5 Ok' : '550 5.1.1 User unknown') });
    const locals = ['ok1', 'ok2', 'ok3', 'ok4', 'ok5', 'ok6', 'ok7'];
    const result = await settle(clock, run(makeTask('b.test', locals, [['mx.b.test', MX]])));
    // 7 real + 3 probes > 8: the probe goes in a second batch (RSET, MAIL, 3 RCPTs) of the same session.
    expect(result.catch_all.status).toBe('no');
    expect(network.sessions).toHaveLength(1);
    expect(network.commands('RSET')).toHaveLength(1);
    expect(result.stats.round_trips).toBe(3);
  });
});

describe('catch-all probe names', () => {
  const key = (fill: number) => new Uint8Array(32).fill(fill);
  const hashUnder = (k: Uint8Array) => (m: string) => hmacSha256(k, m);

  it('are the same for a domain all day, differ by domain, day and key, and look random', () => {
    const day = Date.UTC(2026, 11, 2, 3);
    const one = probeAddresses('grey.test', hashUnder(key(1)), day);
    expect(one).toHaveLength(3);
    expect(new Set(one).size).toBe(3);
    for (const a of one) expect(a).toMatch(/^[a-z0-9]{20}@grey\.test$/);
    expect(probeAddresses('grey.test', hashUnder(key(1)), day + 60 * 60_000 * 20)).toEqual(one);
    expect(probeAddresses('GREY.test', hashUnder(key(1)), day).map((a) => a.split('@')[0])).toEqual(one.map((a) => a.split('@')[0]));
    expect(probeAddresses('grey.test', hashUnder(key(1)), day + 24 * 60 * 60_000)).not.toEqual(one);
    expect(probeAddresses('other.test', hashUnder(key(1)), day).map((a) => a.split('@')[0])).not.toEqual(one.map((a) => a.split('@')[0]));
    expect(probeAddresses('grey.test', hashUnder(key(2)), day)).not.toEqual(one);
  });

  it('a retry sends the very same probes, so a greylisting catch-all is found out (counted on the wire)', async () => {
    // postgrey in miniature: a (recipient) triplet seen before is let through.
    const seen = new Set<string>();
    const { clock, network, run } = world({
      rcpt: (a) => {
        if (seen.has(a)) return '250 2.1.5 Ok';
        seen.add(a);
        return '450 4.2.0 Greylisted, please retry in 60 seconds';
      },
    });
    const first = await settle(clock, run(makeTask('greyca.test', ['alice'], [['mx.greyca.test', MX]])));
    expect(first.catch_all.status).toBe('unknown');
    await clock.advance(60_000);
    const retryTask = makeTask('greyca.test', ['alice'], [['mx.greyca.test', MX]]);
    const retry = await settle(clock, run(retryTask));
    expect(retry.catch_all).toMatchObject({ status: 'yes' });
    expect(retry.results[0]!.smtp.reason).toBe('accepted');
    expect(await publicAnswer(retryTask, retry, 'alice@greyca.test')).toEqual({ verdict: 'risky', reason: 'catch_all' });
    const sent = probes(network);
    expect(sent).toHaveLength(6);
    expect(new Set(sent).size).toBe(3);
  });

  it('refuses a key shorter than 16 bytes', () => {
    const clock = new FakeClock();
    expect(() => runnerFor(new FakeNetwork({}, clock), clock, { probeKey: new Uint8Array(8) })).toThrow(/probeKey/);
  });
});
