import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../support/fake-clock.ts';
import { FakeNetwork, type ServerSession } from './fake-smtp.ts';
import { makeTask, runnerFor, settle } from './harness.ts';

const MX = '192.0.2.10';
const LIVE = new Set(['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'postmaster']);
const TURNED = '571 sorry, you are violating our security policies (#5.1.1 - chkuser)';

/**
 * qmail's chkuser with CHKUSER_WRONGRCPTLIMIT: once a session has had `limit` unknown recipients,
 * every later RCPT of that session is refused with TURNED, live mailboxes included.
 */
function chkuser(limit: number) {
  const wrong = new WeakMap<ServerSession, number>();
  return (address: string, s: ServerSession): string => {
    const seen = wrong.get(s) ?? 0;
    if (seen >= limit) return TURNED;
    if (LIVE.has(address.slice(0, address.indexOf('@')))) return '250 ok';
    wrong.set(s, seen + 1);
    return '511 sorry, no mailbox here by that name (#5.1.1 - chkuser)';
  };
}

function world(rcpt: (address: string, s: ServerSession) => string, sessionIdleMs = 0) {
  const clock = new FakeClock();
  const network = new FakeNetwork({ [MX]: { rcpt, ehloKeywords: ['PIPELINING'] } }, clock);
  return { clock, network, run: runnerFor(network, clock, { sessionIdleMs }) };
}

const reasons = (result: { results: { address: string; smtp: { reason: string } }[] }) =>
  Object.fromEntries(result.results.map((r) => [r.address.slice(0, r.address.indexOf('@')), r.smtp.reason]));

describe('a server that turns on us for the rest of a session', () => {
  it('answers every address in fresh sessions that stop short of its limit, none taken for its turn', async () => {
    const { clock, network, run } = world(chkuser(3));
    const locals = ['ghost1', 'ghost2', 'ghost3', 'alice', 'ghost4', 'bob', 'ghost5', 'carol'];
    const result = await settle(clock, run(makeTask('qmail.test', locals, [['mx.qmail.test', MX]], { catch_all: false })));
    expect(reasons(result)).toEqual({
      ghost1: 'mailbox_not_found', ghost2: 'mailbox_not_found', ghost3: 'mailbox_not_found', alice: 'accepted',
      ghost4: 'mailbox_not_found', bob: 'accepted', ghost5: 'mailbox_not_found', carol: 'accepted',
    });
    // The first session turned at alice; the second, ending before three refusals, answers the rest.
    expect(network.sessions.map((s) => s.rejections)).toEqual([8, 2]);
  });

  it('asks the catch-all probes in a fresh session when the turn caught them', async () => {
    const { clock, network, run } = world(chkuser(3));
    const result = await settle(clock, run(makeTask('qmail.test', ['ghost1', 'ghost2', 'ghost3', 'alice'], [['mx.qmail.test', MX]])));
    expect(reasons(result)).toEqual({ ghost1: 'mailbox_not_found', ghost2: 'mailbox_not_found', ghost3: 'mailbox_not_found', alice: 'accepted' });
    expect(result.catch_all.status).toBe('no');
    expect(network.sessions).toHaveLength(2);
  });

  it('takes a block of one recipient after refusals for that recipient’s answer, not for a turn', async () => {
    const closed = '550 5.7.1 RESOLVER.RST.AuthRequired; authentication required';
    const { clock, network, run } = world((a) => (a.startsWith('ghost') ? '550 5.1.1 User unknown' : a.startsWith('staff@') ? closed : '250 ok'));
    const result = await settle(clock, run(makeTask('corp.test', ['ghost1', 'staff', 'alice'], [['mx.corp.test', MX]], { catch_all: false })));
    expect(reasons(result)).toEqual({ ghost1: 'mailbox_not_found', staff: 'blocked_by_server', alice: 'accepted' });
    expect(network.sessions).toHaveLength(1);
  });

  it('does not take a server that blocks us from the first RCPT for one that turned: one session answers all', async () => {
    const { clock, network, run } = world(() => '550 5.7.1 Sender rejected by policy');
    const result = await settle(clock, run(makeTask('wall.test', ['alice', 'bob', 'carol', 'dave'], [['mx.wall.test', MX]], { catch_all: false })));
    expect(new Set(Object.values(reasons(result)))).toEqual(new Set(['blocked_by_server']));
    expect(network.sessions).toHaveLength(1);
  });

  it('tells a turn from a block in a fresh session when one check meets it in a session earlier checks shared', async () => {
    // Single checks, one address each, in the session the first opened: the third unknown one turns it.
    const { clock, network, run } = world(chkuser(3), 1_000);
    const answers: string[] = [];
    for (const local of ['ghost1', 'alice', 'ghost2', 'ghost3', 'bob', 'carol']) {
      const result = await settle(clock, run(makeTask(`${local}.qmail.test`, [local], [['mx.qmail.test', MX]], { id: `t-${local}`, catch_all: false })));
      answers.push(result.results[0]!.smtp.reason);
    }
    expect(answers).toEqual(['mailbox_not_found', 'accepted', 'mailbox_not_found', 'mailbox_not_found', 'accepted', 'accepted']);
    // bob met the turn in the shared session and was answered in a fresh one, which carol shared.
    expect(network.sessions).toHaveLength(2);
  });

  it('never takes a harvest guard’s refusal of live mailboxes for missing ones, though the server took another', async () => {
    // Cisco's DHAP, Libero: past a count of unknown recipients from our IP in the hour, every RCPT gets the count's
    // words; this one, as Exim's default ACL does, still takes postmaster, so postmaster's answer cannot settle it.
    let unknown = 0;
    const { clock, run } = world((address) => {
      if (address.startsWith('postmaster@')) return '250 ok';
      if (unknown >= 2) return '550 Too many invalid recipients';
      if (LIVE.has(address.slice(0, address.indexOf('@')))) return '250 ok';
      unknown++;
      return '550 5.1.1 User unknown';
    });
    const locals = ['ghost1', 'alice', 'ghost2', 'ghost3', 'bob', 'carol'];
    const result = await settle(clock, run(makeTask('dhap.test', locals, [['mx.dhap.test', MX]], { catch_all: false })));
    expect(reasons(result)).toEqual({
      ghost1: 'mailbox_not_found', alice: 'accepted', ghost2: 'mailbox_not_found',
      ghost3: 'blocked_by_server', bob: 'blocked_by_server', carol: 'blocked_by_server',
    });
  });
});
