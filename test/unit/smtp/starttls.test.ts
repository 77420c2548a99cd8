import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../support/fake-clock.ts';
import { FakeNetwork, type ServerScript } from './fake-smtp.ts';
import { makeTask, runnerFor, settle } from './harness.ts';

const MX = '192.0.2.10';

function world(script: ServerScript) {
  const clock = new FakeClock();
  const network = new FakeNetwork({ [MX]: script }, clock);
  return { clock, network, run: runnerFor(network, clock) };
}

const task = (local: string) => makeTask('tls.test', [local], [['mx.tls.test', MX]], { catch_all: false });

describe('opportunistic STARTTLS', () => {
  it('upgrades when offered, says EHLO again, and sends the envelope only inside TLS', async () => {
    const { clock, network, run } = world({ starttls: 'ok', rcpt: (_a, s) => (s.tls ? '250 2.1.5 Ok' : '530 5.7.0 Must issue a STARTTLS command first') });
    const result = await settle(clock, run(task('alice')));
    expect(result.results[0]!.smtp).toMatchObject({ outcome: 'accepted', tls: true });
    expect(network.wire.slice(0, 3)).toEqual(['EHLO prober.example.test', 'STARTTLS', 'EHLO prober.example.test']);
    expect(result.stats).toEqual({ connections: 1, commands: 6, round_trips: 4 });
  });

  it('BZ_SMTP_TLS=off: no STARTTLS though offered; a fresh check is EHLO and one pipelined MAIL FROM with its RCPT and the first probe', async () => {
    const clock = new FakeClock();
    const network = new FakeNetwork({ [MX]: { starttls: 'ok', rcpt: (address) => (address.startsWith('alice@') ? '250 2.1.5 Ok' : '550 5.1.1 User unknown') } }, clock);
    const run = runnerFor(network, clock, { tls: 'off' });
    const result = await settle(clock, run(makeTask('tls.test', ['alice'], [['mx.tls.test', MX]])));
    expect(result.results[0]!.smtp).toMatchObject({ outcome: 'accepted', tls: false });
    expect(network.commands('STARTTLS')).toHaveLength(0);
    expect(network.wire.slice(0, 2)).toEqual(['EHLO prober.example.test', 'MAIL FROM:<verify@prober.example.test>']);
    // Round trips after the banner: EHLO, then MAIL FROM + RCPT + the first probe in one write; the
    // probe refused, the domain is not catch-all and the other two are not sent (QUIT is not waited for).
    expect(result.stats).toMatchObject({ connections: 1, round_trips: 2 });
    expect(network.commands('RCPT')).toHaveLength(2);
    expect(network.sessions[0]!.writes).toBe(3);
  });

  it('regression (RFC 3207): plaintext that arrives with the 220 is discarded, not read as the EHLO reply', async () => {
    const { clock, run } = world({ starttls: 'inject' });
    const result = await settle(clock, run(task('alice')));
    expect(result.results[0]!.smtp).toMatchObject({ outcome: 'accepted', tls: true, reply: { code: 250 } });
    expect(result.results[0]!.smtp.reply?.lines.join(' ')).not.toMatch(/injected/);
  });

  it('a failed handshake: reconnect in clear once, and leave TLS alone on that host for a while', async () => {
    const { clock, network, run } = world({ starttls: 'fail' });
    const first = await settle(clock, run(task('alice')));
    expect(first.results[0]!.smtp).toMatchObject({ outcome: 'accepted', tls: false });
    expect(network.dials).toHaveLength(2);
    expect(network.commands('STARTTLS')).toHaveLength(1);
    expect(first.stats.connections).toBe(2);
    const second = await settle(clock, run(task('bob')));
    expect(second.results[0]!.smtp).toMatchObject({ outcome: 'accepted', tls: false });
    expect(network.commands('STARTTLS')).toHaveLength(1);
    await clock.advance(60 * 60_000 + 1);
    await settle(clock, run(task('carol')));
    expect(network.commands('STARTTLS')).toHaveLength(2);
  });

  it('a 454 to STARTTLS: carry on in clear in the same session', async () => {
    const { clock, network, run } = world({ starttls: 'ok', onLine: (l) => (l === 'STARTTLS' ? '454 4.7.0 TLS not available due to local problem' : undefined) });
    const result = await settle(clock, run(task('alice')));
    expect(result.results[0]!.smtp).toMatchObject({ outcome: 'accepted', tls: false });
    expect(network.dials).toHaveLength(1);
  });
});
