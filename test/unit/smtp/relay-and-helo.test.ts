import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../support/fake-clock.ts';
import { FakeNetwork, type ServerScript } from './fake-smtp.ts';
import { makeTask, runnerFor, settle } from './harness.ts';

const relayDenied: ServerScript = { rcpt: (a) => `554 5.7.1 <${a}>: Relay access denied` };

describe('Relay access denied', () => {
  it('from every MX of the domain ⇒ undeliverable, relay_denied, every MX asked', async () => {
    const clock = new FakeClock();
    const network = new FakeNetwork({ '192.0.2.10': relayDenied, '192.0.2.11': relayDenied }, clock);
    const result = await settle(clock, runnerFor(network, clock)(makeTask('norelay.test', ['alice'], [['mx1.norelay.test', '192.0.2.10'], ['mx2.norelay.test', '192.0.2.11']])));
    expect([result.results[0]!.smtp.outcome, result.results[0]!.smtp.reason]).toEqual(['rejected', 'relay_denied']);
    expect(network.dials).toEqual(['192.0.2.10', '192.0.2.11']);
  });

  it('from one MX only ⇒ the next MX answers', async () => {
    const clock = new FakeClock();
    const network = new FakeNetwork({ '192.0.2.10': relayDenied, '192.0.2.11': {} }, clock);
    const result = await settle(clock, runnerFor(network, clock)(makeTask('half.test', ['alice'], [['mx1.half.test', '192.0.2.10'], ['mx2.half.test', '192.0.2.11']], { catch_all: false })));
    expect(result.results[0]!.smtp.reason).toBe('accepted');
  });
});

describe('HELO refusals are about us', () => {
  it('504 5.5.2 Helo command rejected at RCPT ⇒ blocked_by_server, naming the HELO', async () => {
    const clock = new FakeClock();
    const network = new FakeNetwork({ '192.0.2.10': { rcpt: () => '504 5.5.2 <prober>: Helo command rejected: need fully-qualified hostname' } }, clock);
    const result = await settle(clock, runnerFor(network, clock, { heloName: 'prober' })(makeTask('helo.test', ['alice'], [['mx.helo.test', '192.0.2.10']], { catch_all: false })));
    const smtp = result.results[0]!.smtp;
    expect([smtp.outcome, smtp.reason, smtp.cause]).toEqual(['error', 'blocked_by_server', 'blocked']);
    expect(smtp.detail).toContain('"prober"');
  });

  it('EHLO and HELO refused ⇒ blocked_by_server naming the HELO, not a protocol error', async () => {
    const clock = new FakeClock();
    const network = new FakeNetwork({
      '192.0.2.10': { ehloReply: '550 5.7.1 <prober>: Helo command rejected: Host not found', onLine: (l) => (l.startsWith('HELO') ? '550 5.7.1 <prober>: Helo command rejected: Host not found' : undefined) },
    }, clock);
    const result = await settle(clock, runnerFor(network, clock, { heloName: 'prober' })(makeTask('helo2.test', ['alice'], [['mx.helo2.test', '192.0.2.10']], { catch_all: false })));
    const smtp = result.results[0]!.smtp;
    expect([smtp.reason, smtp.detail?.includes('"prober"')]).toEqual(['blocked_by_server', true]);
  });
});
