import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../support/fake-clock.ts';
import { FakeNetwork, type ServerScript, type ServerSession } from './fake-smtp.ts';
import { makeTask, runnerFor, settle } from './harness.ts';
import { publicAnswer } from '../../support/public-answer.ts';

const MX = '192.0.2.10';

const refuses = (address: string) => address.startsWith('ghost');

/**
 * A server with a per-transaction recipient limit: RCPTs past it get 452 4.5.3. Exim's
 * recipients_max counts every RCPT (`counts: 'every'`); Postfix's smtpd_recipient_limit counts
 * only the accepted ones (`counts: 'accepted'`).
 */
function limitedServer(limit: number, reply = '452 4.5.3 Error: too many recipients', counts: 'every' | 'accepted' = 'every'): ServerScript {
  const inTransaction = new WeakMap<ServerSession, number>();
  return {
    onLine: (line, s) => {
      const verb = line.split(/[ :]/)[0]!.toUpperCase();
      if (verb === 'MAIL' || verb === 'RSET') inTransaction.set(s, 0);
      if (verb !== 'RCPT') return undefined;
      const n = inTransaction.get(s) ?? 0;
      if (n >= limit) return reply;
      if (counts === 'every' || !refuses(/<(.*)>/.exec(line)?.[1] ?? '')) inTransaction.set(s, n + 1);
      return undefined;
    },
    rcpt: (a) => (refuses(a) ? '550 5.1.1 User unknown' : '250 2.1.5 Ok'),
  };
}

function world(script: ServerScript) {
  const clock = new FakeClock();
  const network = new FakeNetwork({ [MX]: script }, clock);
  return { clock, network, run: runnerFor(network, clock) };
}

describe('recipient limits start a new transaction in the same session', () => {
  it.each([
    ['452 4.5.3 Error: too many recipients'],
    ['552 5.5.3 Too many recipients'],
  ])('%s: every address answered from one session, no temporary outcome, the batch shrunk for the host', async (reply) => {
    const { clock, network, run } = world(limitedServer(3, reply));
    const locals = ['u1', 'u2', 'ghost3', 'u4', 'u5', 'ghost6', 'u7', 'u8'];
    const result = await settle(clock, run(makeTask('lim.test', locals, [['mx.lim.test', MX]], { catch_all: false })));
    expect(result.results.map((r) => r.smtp.reason)).toEqual(locals.map((l) => (l.startsWith('ghost') ? 'mailbox_not_found' : 'accepted')));
    expect(network.sessions).toHaveLength(1);
    // One RCPT per address plus the refused ones of the first transaction only: later transactions fit the limit.
    const mails = network.commands('MAIL');
    expect(mails.length).toBe(3);
    expect(network.commands('RSET')).toHaveLength(2);
    expect(network.commands('RCPT')).toHaveLength(locals.length + (locals.length - 3));

    // The next task to the host sends transactions of at most 3 recipients: no 452 at all.
    const before = network.commands('RCPT').length;
    await settle(clock, run(makeTask('lim.test', locals, [['mx.lim.test', MX]], { catch_all: false, id: 't2' })));
    expect(network.commands('RCPT').length - before).toBe(locals.length);
  });

  it('learns the RCPTs sent before the 452, refused ones included: a server counting only accepted ones costs a re-sent RCPT, never a transaction', async () => {
    // Postfix, limit 3: the first 452 comes after 4 RCPTs (one refused), so the host's batch is 4.
    const { clock, network, run } = world(limitedServer(3, undefined, 'accepted'));
    const transactions = async (id: string, locals: string[]) => {
      const [mails, rcpts] = [network.commands('MAIL').length, network.commands('RCPT').length];
      const result = await settle(clock, run(makeTask('lim.test', locals, [['mx.lim.test', MX]], { catch_all: false, id })));
      expect(result.results.map((r) => r.smtp.reason)).toEqual(locals.map((l) => (refuses(l) ? 'mailbox_not_found' : 'accepted')));
      return { mails: network.commands('MAIL').length - mails, rcpts: network.commands('RCPT').length - rcpts };
    };
    expect(await transactions('t1', ['u1', 'ghost2', 'u3', 'u4', 'u5', 'u6'])).toEqual({ mails: 2, rcpts: 6 + 2 });
    // Refusals among them: 4 RCPTs fit (3 accepted), two transactions where a batch of 3 would need three.
    expect(await transactions('t2', ['u1', 'ghost2', 'u3', 'u4', 'ghost5', 'u6', 'u7', 'u8'])).toEqual({ mails: 2, rcpts: 8 });
    // None refused: the 4th meets a 452 and goes in the next transaction, which was needed anyway; the batch is now 3.
    expect(await transactions('t3', ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'])).toEqual({ mails: 2, rcpts: 6 + 1 });
    expect(await transactions('t4', ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'])).toEqual({ mails: 2, rcpts: 6 });
    expect(network.sessions).toHaveLength(4);
  });

  it('keeps catch-all probes for a transaction of their own', async () => {
    const { clock, network, run } = world({ ...limitedServer(3), rcpt: () => '250 2.1.5 Ok' });
    const task = makeTask('ca-lim.test', ['a', 'b'], [['mx.ca-lim.test', MX]]);
    const result = await settle(clock, run(task));
    expect(result.catch_all.status).toBe('yes');
    expect(result.results.map((r) => r.smtp.reason)).toEqual(['accepted', 'accepted']);
    for (const address of ['a@ca-lim.test', 'b@ca-lim.test']) expect(await publicAnswer(task, result, address)).toEqual({ verdict: 'risky', reason: 'catch_all' });
    expect(network.sessions).toHaveLength(1);
  });
});
