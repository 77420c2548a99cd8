import { DEFAULT_TIMEOUTS } from '../../../prober/smtp/open-session.ts';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../support/fake-clock.ts';
import { FakeNetwork, type ServerScript } from './fake-smtp.ts';
import { makeTask, runnerFor, settle } from './harness.ts';

const A = '192.0.2.10';
const B = '192.0.2.11';
const C = '192.0.2.12';

async function probe(hosts: Record<string, ServerScript | 'refuse' | 'blackhole'>, plan: [string, ...string[]][], build?: (clock: FakeClock) => void, deadline_ms?: number) {
  const clock = new FakeClock();
  build?.(clock);
  const network = new FakeNetwork(hosts, clock);
  const started = clock.now();
  const result = await settle(clock, runnerFor(network, clock)(makeTask('d.test', ['alice'], plan, { catch_all: false, ...(deadline_ms ? { deadline_ms } : {}) })));
  expect(network.violations).toEqual([]);
  return { result, network, elapsed: clock.now() - started, smtp: result.results[0]!.smtp, clock };
}

describe('faults end in bounded (fake) time with a reason', () => {
  it('a tarpit that never greets: smtp_timeout after the banner timeout', async () => {
    const { smtp, elapsed, result } = await probe({ [A]: { banner: null } }, [['mx.d.test', A]]);
    expect(smtp).toMatchObject({ outcome: 'error', reason: 'smtp_timeout' });
    expect(elapsed).toBeGreaterThanOrEqual(DEFAULT_TIMEOUTS.bannerMs);
    expect(elapsed).toBeLessThan(DEFAULT_TIMEOUTS.bannerMs + 1000);
    expect(result.stats).toEqual({ connections: 1, commands: 0, round_trips: 0 });
  });

  it('a greeting at one byte per second: smtp_timeout, not a 40-second wait', async () => {
    let clock!: FakeClock;
    const slow: ServerScript = {
      banner: null,
      onConnect: (s) => {
        const text = '220 mx.d.test ESMTP Postfix (Debian/GNU) slowly\r\n';
        let i = 0;
        const drip = () => {
          if (s.closed || i >= text.length) return;
          s.send(text[i++]!);
          clock.setTimer(drip, 1000);
        };
        drip();
      },
    };
    const { smtp, elapsed } = await probe({ [A]: slow }, [['mx.d.test', A]], (c) => (clock = c));
    expect(smtp.reason).toBe('smtp_timeout');
    expect(elapsed).toBeLessThan(DEFAULT_TIMEOUTS.bannerMs + 1000);
  });

  it('a 1 MB line without CRLF: protocol error at once, and the next MX is tried', async () => {
    const flood: ServerScript = { banner: null, onConnect: (s) => s.send(new Uint8Array(1 << 20).fill(0x32)) };
    const { smtp, network, elapsed } = await probe({ [A]: flood, [B]: {} }, [['mx1.d.test', A], ['mx2.d.test', B]]);
    expect(smtp).toMatchObject({ outcome: 'accepted', mx_address: B });
    expect(network.dials).toEqual([A, B]);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('a 1 MB line alone: smtp_protocol_error', async () => {
    const flood: ServerScript = { banner: null, onConnect: (s) => s.send(new Uint8Array(1 << 20).fill(0x32)) };
    const { smtp } = await probe({ [A]: flood }, [['mx.d.test', A]]);
    expect(smtp.reason).toBe('smtp_protocol_error');
    expect(smtp.transcript?.some((l) => l.text.includes('longer than 1000 bytes'))).toBe(true);
  });

  it('a close in the middle of the EHLO reply: server_closing, failover', async () => {
    const cut: ServerScript = { onLine: (line, s) => (line.startsWith('EHLO') ? (s.send('250-mx.d.test\r\n250-PIPELI'), 'close') : undefined) };
    const alone = await probe({ [A]: cut }, [['mx.d.test', A]]);
    expect(alone.smtp.reason).toBe('server_closing');
    const failover = await probe({ [A]: cut, [B]: {} }, [['mx.d.test', A, B]]);
    expect(failover.smtp).toMatchObject({ outcome: 'accepted', mx_address: B });
  });

  it('garbage reply codes: smtp_protocol_error', async () => {
    const { smtp } = await probe({ [A]: { banner: 'SSH-2.0-OpenSSH_9.6' } }, [['mx.d.test', A]]);
    expect(smtp.reason).toBe('smtp_protocol_error');
    const mid = await probe({ [A]: { rcpt: () => '2x0 what' } }, [['mx.d.test', A]]);
    expect(mid.smtp.reason).toBe('smtp_protocol_error');
  });

  it('an endless multi-line reply is cut at 50 lines', async () => {
    let clock!: FakeClock;
    const endless: ServerScript = {
      onLine: (line, s) => {
        if (!line.startsWith('EHLO')) return undefined;
        const more = () => {
          if (s.closed) return;
          s.send('250-AND-ANOTHER-KEYWORD\r\n'.repeat(10));
          clock.setTimer(more, 10);
        };
        more();
        return null;
      },
    };
    const { smtp, elapsed, network } = await probe({ [A]: endless }, [['mx.d.test', A]], (c) => (clock = c));
    expect(smtp.reason).toBe('smtp_protocol_error');
    expect(network.sessions[0]!.closed).toBe(true);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('a server that stops answering RCPT: the task deadline ends it (deadline_exceeded)', async () => {
    const { smtp, elapsed } = await probe({ [A]: { onLine: (l) => (l.startsWith('RCPT') ? null : undefined) } }, [['mx.d.test', A]], undefined, 5_000);
    expect(smtp.reason).toBe('deadline_exceeded');
    expect(elapsed).toBeGreaterThanOrEqual(5_000);
    expect(elapsed).toBeLessThan(6_000);
  });

  it('a command timeout mid-session on the only host: smtp_timeout after two futile sessions', async () => {
    const { smtp, result } = await probe({ [A]: { onLine: (l) => (l.startsWith('RCPT') ? null : undefined) } }, [['mx.d.test', A]]);
    expect(smtp.reason).toBe('smtp_timeout');
    expect(result.stats.connections).toBe(2);
  });
});

describe('MX failover', () => {
  it('refused, connect timeout, 421 banner: next address, next host', async () => {
    const { smtp, network } = await probe(
      { [A]: 'refuse', [B]: 'blackhole', [C]: { banner: '421 4.3.2 mx busy, try again later' }, '192.0.2.13': {} },
      [['mx1.d.test', A, B], ['mx2.d.test', C], ['mx3.d.test', '192.0.2.13']],
    );
    expect(network.dials).toEqual([A, B, C, '192.0.2.13']);
    expect(smtp).toMatchObject({ outcome: 'accepted', mx_host: 'mx3.d.test', mx_address: '192.0.2.13' });
  });

  it('all unreachable ⇒ smtp_unreachable, no connection counted', async () => {
    const { smtp, result } = await probe({ [A]: 'refuse', [B]: 'refuse' }, [['mx1.d.test', A], ['mx2.d.test', B]]);
    expect(smtp).toMatchObject({ outcome: 'error', reason: 'smtp_unreachable' });
    expect(result.stats.connections).toBe(0);
    expect(smtp.transcript?.map((l) => l.text).join('\n')).toMatch(/refused/);
  });

  it('a 554 banner is an answer: blocked_by_server', async () => {
    const { smtp } = await probe({ [A]: { banner: '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org' } }, [['mx.d.test', A]]);
    expect(smtp).toMatchObject({ reason: 'blocked_by_server', reply: { code: 554 } });
  });

  it('an address outside public space and BZ_ALLOW_NETS is never dialed', async () => {
    const { smtp, network } = await probe({ '10.0.0.5': {} }, [['mx.d.test', '10.0.0.5']]);
    expect(network.dials).toEqual([]);
    expect(smtp.reason).toBe('mx_private_address');
  });
});
