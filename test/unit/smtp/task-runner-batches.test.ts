import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../support/fake-clock.ts';
import { FakeNetwork, type ServerScript } from './fake-smtp.ts';
import { makeTask, runnerFor, settle } from './harness.ts';

const MX = '192.0.2.10';
const users = (n: number, prefix = 'user') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const mailboxes = (names: string[]): ServerScript => ({
  rcpt: (address) => (names.includes(address.split('@')[0]!) ? '250 2.1.5 Ok' : '550 5.1.1 <' + address + '>: Recipient address rejected: User unknown'),
});

function world(hosts: Record<string, ServerScript | 'refuse' | 'blackhole'>) {
  const clock = new FakeClock();
  return { clock, network: new FakeNetwork(hosts, clock) };
}

describe('task runner: sessions, batches and counts', () => {
  it('answers each kind of RCPT reply and never sends DATA or a control character', async () => {
    const { clock, network } = world({
      [MX]: {
        rcpt: (a) =>
          ({
            'alice@d.test': '250 2.1.5 Ok',
            'full@d.test': '552 5.2.2 Mailbox full',
            'disabled@d.test': '550 5.2.1 Mailbox disabled, not accepting messages',
            'policy@d.test': '554 5.7.1 Recipient address rejected: Access denied by policy',
            'grey@d.test': '450 4.2.0 <grey@d.test>: Recipient address rejected: Greylisted, see http://postgrey/ please retry in 300 seconds',
          })[a] ?? '550 5.1.1 User unknown',
      },
    });
    const run = runnerFor(network, clock);
    const result = await settle(clock, run(makeTask('d.test', ['alice', 'nobody', 'full', 'disabled', 'policy', 'grey'], [['mx.d.test', MX]])));
    expect(result.results.map((r) => [r.address.split('@')[0], r.smtp.outcome, r.smtp.reason])).toEqual([
      ['alice', 'accepted', 'accepted'],
      ['nobody', 'rejected', 'mailbox_not_found'],
      ['full', 'rejected', 'mailbox_full'],
      ['disabled', 'rejected', 'mailbox_disabled'],
      ['policy', 'error', 'blocked_by_server'],
      ['grey', 'temporary', 'greylisted'],
    ]);
    expect(result.results[5]!.smtp.retry_after_s).toBe(300);
    expect(result.results[0]!.smtp).toMatchObject({ mx_host: 'mx.d.test', mx_address: MX, reply: { code: 250, enhanced: '2.1.5' } });
    const transcript = result.results[1]!.smtp.transcript!.map((l) => `${l.dir} ${l.text}`);
    expect(transcript).toContain('c RCPT TO:<nobody@d.test>');
    expect(transcript).toContain('s 550 5.1.1 User unknown');
    expect(transcript).toContain('c MAIL FROM:<verify@prober.example.test>');
    expect(result.catch_all).toMatchObject({ status: 'no' });
    expect(network.violations).toEqual([]);
    expect(network.commands('DATA')).toEqual([]);
    // EHLO, then MAIL + 6 RCPT in one write (the probe was not needed: a 550 5.1.1 already says "not catch-all"), then QUIT.
    expect(result.stats).toEqual({ connections: 1, commands: 9, round_trips: 2 });
    expect(network.sessions[0]!.writes).toBe(3);
  });

  it('100 addresses of one domain: one session, batches of 8 in one round trip each, the catch-all probe once', async () => {
    const { clock, network } = world({ [MX]: mailboxes(users(100)) });
    const run = runnerFor(network, clock);
    const result = await settle(clock, run(makeTask('bulk.test', users(100), [['mx.bulk.test', MX]])));
    expect(result.results.every((r) => r.smtp.reason === 'accepted')).toBe(true);
    const batches = Math.ceil(100 / 8);
    expect(network.commands('MAIL FROM')).toHaveLength(batches);
    expect(network.commands('RSET')).toHaveLength(batches - 1);
    expect(network.commands('RCPT TO')).toHaveLength(100 + 1);
    expect(result.catch_all).toEqual({ status: 'no', cached: false, mx_host: 'mx.bulk.test' });
    // The first probe rode in the last batch (4 real RCPTs + 1 probe); refused, it settled the question alone.
    expect(result.stats).toEqual({ connections: 1, commands: 1 + batches + (batches - 1) + 101 + 1, round_trips: 1 + batches });
    expect(network.sessions[0]!.writes).toBe(1 + batches + 1);
    expect(network.violations).toEqual([]);
  });

  it('with a larger rejection budget, batches follow batchSize: ceil(100/20)', async () => {
    const { clock, network } = world({ [MX]: mailboxes(users(100)) });
    const run = runnerFor(network, clock, { batchSize: 20, maxRejectionsPerSession: 24 });
    const result = await settle(clock, run(makeTask('bulk.test', users(100), [['mx.bulk.test', MX]], { catch_all: false })));
    expect(network.commands('MAIL FROM')).toHaveLength(5);
    expect(result.stats).toEqual({ connections: 1, commands: 1 + 5 + 4 + 100 + 1, round_trips: 6 });
  });

  it('never lets a session see more than 8 rejected RCPTs', async () => {
    const { clock, network } = world({ [MX]: mailboxes(['alice']) });
    const run = runnerFor(network, clock);
    const result = await settle(clock, run(makeTask('d.test', ['alice', ...users(30, 'ghost')], [['mx.d.test', MX]])));
    expect(result.results.filter((r) => r.smtp.reason === 'mailbox_not_found')).toHaveLength(30);
    expect(network.sessions.map((s) => s.rejections)).toEqual([8, 8, 8, 6]);
    expect(network.sessions.every((s) => s.rejections <= 8)).toBe(true);
    expect(result.stats.connections).toBe(4);
    expect(network.commands('RCPT TO')).toHaveLength(31);
  });

  it('a 421 mid-batch: answered addresses keep their answers, the rest go to a new, smaller session, none lost or doubled', async () => {
    let connection = 0;
    const { clock, network } = world({
      [MX]: {
        onConnect: () => connection++,
        rcpt: (_a, s) => (connection === 1 && s.rcpts === 5 ? '421 4.7.0 mx.d.test Error: too many errors' : '250 2.1.5 Ok'),
        onLine: (line, s) => (connection === 1 && s.rcpts >= 5 && line.startsWith('RCPT') ? null : undefined),
      },
    });
    const run = runnerFor(network, clock);
    const locals = users(12);
    const result = await settle(clock, run(makeTask('d.test', locals, [['mx.d.test', MX]], { catch_all: false })));
    expect(result.results.map((r) => r.smtp.outcome)).toEqual(Array(12).fill('accepted'));
    const [first, second, ...rest] = network.sessions;
    expect(first!.lines.filter((l) => l.startsWith('RCPT'))).toHaveLength(8);
    // The four answered before the 421 are never asked again; the 421'd one and the rest are, once each.
    const asked = second!.lines.concat(...rest.map((s) => s.lines)).filter((l) => l.startsWith('RCPT'));
    expect(asked).toEqual(locals.slice(4).map((l) => `RCPT TO:<${l}@d.test>`));
    // The host then gets halved sessions: batches of 4.
    expect(second!.lines.filter((l) => l.startsWith('MAIL'))).toHaveLength(2);
    expect(result.stats.connections).toBe(2);
  });

  it('a connection dropped in the middle of a pipelined reply loses nothing', async () => {
    let connection = 0;
    const { clock, network } = world({
      [MX]: {
        onConnect: () => connection++,
        onLine: (line, s) => {
          if (connection !== 1 || !line.startsWith('RCPT')) return undefined;
          return s.lines.filter((l) => l.startsWith('RCPT')).length === 4 ? 'close' : undefined;
        },
      },
    });
    const run = runnerFor(network, clock);
    const result = await settle(clock, run(makeTask('d.test', users(6), [['mx.d.test', MX]], { catch_all: false })));
    expect(result.results.every((r) => r.smtp.outcome === 'accepted')).toBe(true);
    expect(network.sessions[1]!.lines.filter((l) => l.startsWith('RCPT'))).toEqual(['RCPT TO:<user3@d.test>', 'RCPT TO:<user4@d.test>', 'RCPT TO:<user5@d.test>']);
  });

  it('without PIPELINING: one command per round trip; EHLO refused: HELO', async () => {
    const { clock, network } = world({ [MX]: { ehloReply: '502 5.5.2 Error: command not recognized', ...mailboxes(['alice']) } });
    const run = runnerFor(network, clock);
    const result = await settle(clock, run(makeTask('d.test', ['alice', 'bob'], [['mx.d.test', MX]])));
    expect(result.results.map((r) => r.smtp.reason)).toEqual(['accepted', 'mailbox_not_found']);
    expect(network.wire.slice(0, 2)).toEqual(['EHLO prober.example.test', 'HELO prober.example.test']);
    // EHLO, HELO, MAIL, RCPT, RCPT each a round trip; QUIT is not waited for.
    expect(result.stats).toEqual({ connections: 1, commands: 6, round_trips: 5 });
    expect(network.sessions[0]!.writes).toBe(6);
  });

  it('SMTPUTF8: asked for when needed and offered; when not offered the address is not sent at all', async () => {
    const { clock, network } = world({ [MX]: {}, '192.0.2.11': { ehloKeywords: ['PIPELINING'] } });
    const run = runnerFor(network, clock);
    const offered = await settle(clock, run(makeTask('u.test', ['ascii', 'josé'], [['mx.u.test', MX]], { smtputf8: ['josé'], catch_all: false })));
    expect(offered.results.map((r) => r.smtp.reason)).toEqual(['accepted', 'accepted']);
    expect(network.commands('MAIL')).toEqual(['MAIL FROM:<verify@prober.example.test> SMTPUTF8']);
    const missing = await settle(clock, run(makeTask('v.test', ['ascii', 'josé'], [['mx.v.test', '192.0.2.11']], { smtputf8: ['josé'], catch_all: false })));
    expect(missing.results.map((r) => r.smtp.reason)).toEqual(['accepted', 'smtputf8_unsupported']);
    expect(network.wire.filter((l) => l.includes('josé@v.test'))).toEqual([]);
  });

  it('refuses to put CR, LF or NUL on the wire: the address is marked control_characters', async () => {
    const { clock, network } = world({ [MX]: {} });
    const run = runnerFor(network, clock);
    const task = makeTask('d.test', ['alice', 'evil'], [['mx.d.test', MX]], { catch_all: false });
    task.addresses[1]!.address = 'evil@d.test>\r\nDATA\r\nRCPT TO:<x@d.test';
    const result = await settle(clock, run(task));
    expect(result.results.map((r) => r.smtp.reason)).toEqual(['accepted', 'control_characters']);
    expect(network.violations).toEqual([]);
    expect(network.wire.some((l) => l.includes('evil'))).toBe(false);
  });

  it('refuses a HELO name or sender that could not be sent safely', () => {
    const network = new FakeNetwork({}, new FakeClock());
    expect(() => runnerFor(network, new FakeClock(), { heloName: 'a\r\nDATA' })).toThrow(/HELO/);
    expect(() => runnerFor(network, new FakeClock(), { mailFrom: 'x@y>\nRCPT' })).toThrow(/MAIL FROM/);
  });
});
