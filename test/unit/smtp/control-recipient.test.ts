import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../support/fake-clock.ts';
import { FakeNetwork, type ServerScript } from './fake-smtp.ts';
import { makeTask, runnerFor, settle } from './harness.ts';

const MX = '192.0.2.10';
const GENERIC = '550 Requested action not taken: mailbox unavailable';
/** Exim's words for a deny without a message: neither a mailbox nor us. */
const WORDLESS = '550 Administrative prohibition';

function world(script: ServerScript) {
  const clock = new FakeClock();
  const network = new FakeNetwork({ [MX]: script }, clock);
  return { clock, network, run: runnerFor(network, clock) };
}

const controls = (network: FakeNetwork) => network.wire.filter((l) => l.startsWith('RCPT TO:<postmaster@'));
const outcomes = (result: { results: { smtp: { outcome: string; reason: string } }[] }) => result.results.map((r) => [r.smtp.outcome, r.smtp.reason]);

describe('the control recipient settles ambiguous refusals', () => {
  it('postmaster accepted, the address refused ⇒ mailbox_not_found, with the control reply kept', async () => {
    const { clock, network, run } = world({ rcpt: (a) => (a.startsWith('alice@') || a.startsWith('postmaster@') ? '250 2.1.5 Ok' : GENERIC) });
    const result = await settle(clock, run(makeTask('gen.test', ['alice', 'ghost1', 'ghost2'], [['mx.gen.test', MX]], { catch_all: false })));
    expect(outcomes(result)).toEqual([['accepted', 'accepted'], ['rejected', 'mailbox_not_found'], ['rejected', 'mailbox_not_found']]);
    expect(controls(network)).toEqual(['RCPT TO:<postmaster@gen.test>']);
    const ghost = result.results[1]!.smtp;
    expect(ghost.control).toEqual({ address: 'postmaster@gen.test', reply: { code: 250, enhanced: '2.1.5', lines: ['2.1.5 Ok'] } });
    expect(ghost.transcript!.map((l) => l.text)).toContain('RCPT TO:<postmaster@gen.test>');
    expect(result.results[0]!.smtp.control).toBeUndefined();
  });

  it('postmaster refused the same way ⇒ the refusal is about us: blocked_by_server, unknown', async () => {
    const { clock, network, run } = world({ rcpt: () => GENERIC });
    const result = await settle(clock, run(makeTask('us.test', ['bob'], [['mx.us.test', MX]], { catch_all: false })));
    expect(outcomes(result)).toEqual([['error', 'blocked_by_server']]);
    expect(result.results[0]!.smtp.cause).toBe('blocked');
    expect(controls(network)).toHaveLength(1);
  });

  it('costs nothing when no refusal is ambiguous, and one RCPT per session however many are', async () => {
    const clear = world({ rcpt: (a) => (a.startsWith('alice@') ? '250 2.1.5 Ok' : '550 5.1.1 User unknown') });
    await settle(clear.clock, clear.run(makeTask('clear.test', ['alice', 'ghost'], [['mx.clear.test', MX]], { catch_all: false })));
    expect(controls(clear.network)).toHaveLength(0);

    const many = world({ rcpt: (a) => (a.startsWith('postmaster@') ? '250 2.1.5 Ok' : GENERIC) });
    const locals = Array.from({ length: 12 }, (_, i) => `ghost${i}`);
    const result = await settle(many.clock, many.run(makeTask('many.test', locals, [['mx.many.test', MX]], { catch_all: false })));
    expect(new Set(result.results.map((r) => r.smtp.reason))).toEqual(new Set(['mailbox_not_found']));
    expect(controls(many.network)).toHaveLength(many.network.sessions.length);
    expect(many.network.sessions.length).toBeLessThan(locals.length);
  });

  it('a 4xx to postmaster leaves the refusal ambiguous (unknown), never a guess', async () => {
    const { clock, run } = world({ rcpt: (a) => (a.startsWith('postmaster@') ? '451 4.3.0 Try again later' : GENERIC) });
    const result = await settle(clock, run(makeTask('odd.test', ['carol'], [['mx.odd.test', MX]], { catch_all: false })));
    expect(outcomes(result)).toEqual([['error', 'ambiguous_refusal']]);
    expect(result.results[0]!.smtp.control?.reply.code).toBe(451);
  });

  it('settles ambiguous catch-all probes too: postmaster accepted ⇒ the domain is not catch-all', async () => {
    const { clock, run } = world({ rcpt: (a) => (a.startsWith('alice@') || a.startsWith('postmaster@') ? '250 2.1.5 Ok' : GENERIC) });
    const result = await settle(clock, run(makeTask('probe.test', ['alice'], [['mx.probe.test', MX]])));
    expect(result.catch_all.status).toBe('no');
    expect(outcomes(result)).toEqual([['accepted', 'accepted']]);
  });

  it('uses postmaster in the batch itself as the control', async () => {
    const { clock, network, run } = world({ rcpt: (a) => (a.startsWith('postmaster@') ? '250 2.1.5 Ok' : GENERIC) });
    const result = await settle(clock, run(makeTask('pm.test', ['postmaster', 'ghost'], [['mx.pm.test', MX]], { catch_all: false })));
    expect(outcomes(result)).toEqual([['accepted', 'accepted'], ['rejected', 'mailbox_not_found']]);
    expect(controls(network)).toHaveLength(1);
  });

  it('a wordless deny that spares postmaster@ (Exim’s default ACL order) stays ambiguous, a live mailbox included', async () => {
    const { clock, network, run } = world({ rcpt: (a) => (a.startsWith('postmaster@') ? '250 2.1.5 Ok' : WORDLESS) });
    const result = await settle(clock, run(makeTask('exempt.test', ['alice', 'ghost'], [['mx.exempt.test', MX]], { catch_all: false })));
    expect(outcomes(result)).toEqual([['error', 'ambiguous_refusal'], ['error', 'ambiguous_refusal']]);
    expect(result.results[0]!.smtp.control?.reply.code).toBe(250);
    // Why postmaster@'s acceptance did not settle it, for the person reading the result.
    expect(result.results[0]!.smtp.detail).toMatch(/^postmaster@ was accepted, but the refusal names no mailbox/);
    expect(controls(network)).toHaveLength(1);
  });

  it('the same wordless deny is the mailbox’s once the server took another recipient of ours', async () => {
    const { clock, run } = world({ rcpt: (a) => (a.startsWith('alice@') || a.startsWith('postmaster@') ? '250 2.1.5 Ok' : WORDLESS) });
    const result = await settle(clock, run(makeTask('picky.test', ['alice', 'ghost'], [['mx.picky.test', MX]], { catch_all: false })));
    expect(outcomes(result)).toEqual([['accepted', 'accepted'], ['rejected', 'mailbox_not_found']]);
  });

  it('postmaster@ in the list is no such evidence, nor Postfix’s "Recipient address rejected:" framing', async () => {
    const framed = (a: string) => `550 5.0.0 <${a}>: Recipient address rejected: Administrative prohibition`;
    const { clock, run } = world({ rcpt: (a) => (a.startsWith('postmaster@') ? '250 2.1.5 Ok' : framed(a)) });
    const result = await settle(clock, run(makeTask('framed.test', ['postmaster', 'user.account'], [['mx.framed.test', MX]], { catch_all: false })));
    expect(outcomes(result)).toEqual([['accepted', 'accepted'], ['error', 'ambiguous_refusal']]);
  });

  it('ambiguous probes stay open under a wordless deny: the domain is not called "not catch-all" on postmaster@ alone', async () => {
    const { clock, run } = world({ rcpt: (a) => (a.startsWith('postmaster@') ? '250 2.1.5 Ok' : WORDLESS) });
    const result = await settle(clock, run(makeTask('exempt.test', ['alice'], [['mx.exempt.test', MX]])));
    expect(result.catch_all.status).not.toBe('no');
    expect(outcomes(result)).toEqual([['error', 'ambiguous_refusal']]);
  });
});
