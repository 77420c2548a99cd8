import { describe, expect, it } from 'vitest';
import { smtpIdentity } from '../../../prober/adapters/system-identity.ts';
import { parseCapabilities } from '../../../prober/smtp/capabilities.ts';
import { encodeCommand } from '../../../prober/smtp/command-line.ts';
import { SmtpSession } from '../../../prober/smtp/smtp-session.ts';
import { Transcript } from '../../../prober/smtp/transcript.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { FakeNetwork, type ServerScript } from './fake-smtp.ts';
import { settle } from './harness.ts';

async function open(script: ServerScript) {
  const clock = new FakeClock();
  const network = new FakeNetwork({ '192.0.2.10': script }, clock);
  const dialed = await network.dial('192.0.2.10', 25, { timeoutMs: 1_000 });
  if (!dialed.ok) throw new Error('dial failed');
  const session = new SmtpSession(dialed.connection, { clock, commandTimeoutMs: 15_000, transcript: new Transcript(() => clock.now(), clock.now()) });
  return { clock, network, session, server: network.sessions[0]! };
}

describe('SmtpSession', () => {
  it('pipelines: several commands in ONE write, replies in order, one round trip', async () => {
    const { clock, session, server } = await open({ rcpt: (a) => (a.startsWith('b') ? '550 5.1.1 no' : '250 2.1.5 Ok') });
    expect((await settle(clock, session.greeting(1_000))).ok).toBe(true);
    const out = await settle(clock, session.pipeline(['MAIL FROM:<>', 'RCPT TO:<a@x.test>', 'RCPT TO:<b@x.test>', 'RCPT TO:<c@x.test>']));
    expect(out.failure).toBeUndefined();
    expect(out.exchanges.map((e) => e.reply.code)).toEqual([250, 250, 550, 250]);
    expect(server.writes).toBe(1);
    expect({ commands: session.commands, roundTrips: session.roundTrips }).toEqual({ commands: 4, roundTrips: 1 });
  });

  it('sets a reply timer only for a wait: replies of a pipeline that came together are taken at once', async () => {
    const { clock, session } = await open({});
    expect((await settle(clock, session.greeting(1_000))).ok).toBe(true);
    let timers = 0;
    const setTimer = clock.setTimer.bind(clock);
    clock.setTimer = (fn, ms) => (timers++, setTimer(fn, ms));
    const out = await settle(clock, session.pipeline(['MAIL FROM:<>', 'RCPT TO:<a@x.test>', 'RCPT TO:<b@x.test>']));
    expect(out.exchanges).toHaveLength(3);
    expect(timers).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it('refuses to write DATA, BDAT, CR, LF, NUL or other controls: nothing reaches the wire', async () => {
    const { clock, session, network } = await open({});
    await settle(clock, session.greeting(1_000));
    for (const bad of ['DATA', 'bdat 10 LAST', 'RCPT TO:<a@x.test>\r\nDATA', 'RCPT TO:<a\u0000@x.test>', 'RCPT TO:<a\u0085@x.test>', 'RCPT TO:<a\u2028@x.test>', `RCPT TO:<${'a'.repeat(600)}@x.test>`]) {
      const out = await settle(clock, session.send(bad));
      expect(out).toMatchObject({ ok: false, failure: { kind: 'unsafe_command' } });
    }
    expect(network.wire).toEqual([]);
    expect((await settle(clock, session.send('NOOP'))).ok).toBe(true);
  });

  it('a reply that never comes: timeout, and the session is dead afterwards', async () => {
    const { clock, session } = await open({ onLine: () => null });
    await settle(clock, session.greeting(1_000));
    const started = clock.now();
    const out = await settle(clock, session.send('NOOP'));
    expect(out).toMatchObject({ ok: false, failure: { kind: 'timeout' } });
    expect(clock.now() - started).toBe(15_000);
    expect(await session.send('NOOP')).toMatchObject({ ok: false, failure: { kind: 'timeout' } });
  });

  it('abort (the task deadline) ends a wait at once', async () => {
    const clock = new FakeClock();
    const network = new FakeNetwork({ '192.0.2.10': { banner: null } }, clock);
    const dialed = await network.dial('192.0.2.10', 25, { timeoutMs: 1_000 });
    if (!dialed.ok) throw new Error('dial failed');
    const abort = new AbortController();
    const session = new SmtpSession(dialed.connection, { clock, commandTimeoutMs: 15_000, signal: abort.signal, transcript: new Transcript(() => clock.now(), 0) });
    const waiting = session.greeting(60_000);
    abort.abort();
    expect(await waiting).toMatchObject({ ok: false, failure: { kind: 'aborted' } });
    expect(network.sessions[0]!.closed).toBe(true);
  });

  it('keeps every raw reply line in a bounded transcript', async () => {
    const clock = new FakeClock();
    const t = new Transcript(() => clock.now(), clock.now(), 3);
    for (let i = 0; i < 5; i++) t.add('s', `250 line ${i}`);
    expect(t.snapshot().map((l) => l.text)).toEqual(['250 line 0', '250 line 1', '250 line 2', '2 more lines not kept']);
  });
});

describe('command lines, capabilities, identity', () => {
  it('encodes a clean command with CRLF', () => {
    expect(encodeCommand('RCPT TO:<josé@x.test>')).toMatchObject({ ok: true });
    const ok = encodeCommand('QUIT');
    expect(ok.ok && new TextDecoder().decode(ok.bytes)).toBe('QUIT\r\n');
  });

  it('reads the EHLO keywords it acts on', () => {
    const caps = parseCapabilities({ code: 250, lines: ['mx.test greets you', 'pipelining', 'SIZE 10240000', 'STARTTLS', 'SMTPUTF8', 'ENHANCEDSTATUSCODES', '8BITMIME', 'AUTH PLAIN'] });
    expect(caps).toEqual({ esmtp: true, pipelining: true, starttls: true, smtputf8: true, enhancedStatusCodes: true, eightBitMime: true, size: 10240000 });
    expect(parseCapabilities({ code: 250, lines: ['mx.test'] }).pipelining).toBe(false);
  });

  it('takes its identity from BZ_* or from the host name, never from anyone else', () => {
    expect(smtpIdentity({}, 'probe-1.example.net')).toEqual({ heloName: 'probe-1.example.net', mailFrom: 'verify@probe-1.example.net' });
    expect(smtpIdentity({ heloName: 'mx.me.test' }, 'ignored')).toEqual({ heloName: 'mx.me.test', mailFrom: 'verify@mx.me.test' });
    expect(smtpIdentity({ heloName: 'mx.me.test', mailFrom: 'bounce@me.test' }, 'ignored')).toEqual({ heloName: 'mx.me.test', mailFrom: 'bounce@me.test' });
    expect(smtpIdentity({ heloName: '  ' }, 'host.test').heloName).toBe('host.test');
  });
});
