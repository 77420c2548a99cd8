import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../support/fake-clock.ts';
import { FakeNetwork, type ServerScript } from './fake-smtp.ts';
import { makeTask, runnerFor, settle } from './harness.ts';

const A = '192.0.2.10';
const B = '192.0.2.11';

describe('slow is not dead', () => {
  it('a RCPT answered after a 25-second callout is an answer, not smtp_timeout', async () => {
    const clock = new FakeClock();
    const callout: ServerScript = {
      onLine: (line, s) => {
        if (!line.startsWith('RCPT')) return undefined;
        const reply = line.includes('alice@') ? '250 2.1.5 Ok' : '550 5.1.1 <x>: Recipient address rejected: User unknown';
        clock.setTimer(() => s.send(`${reply}\r\n`), 25_000);
        return null;
      },
    };
    const network = new FakeNetwork({ [A]: callout }, clock);
    const result = await settle(clock, runnerFor(network, clock)(makeTask('slow.test', ['alice', 'ghost'], [['mx.slow.test', A]], { catch_all: false })));
    expect(result.results.map((r) => r.smtp.reason)).toEqual(['accepted', 'mailbox_not_found']);
    expect(network.sessions).toHaveLength(1);
  });

  it('a tarpit is remembered: the next task goes to the next MX at once, dialing the tarpit no more', async () => {
    const clock = new FakeClock();
    const network = new FakeNetwork({ [A]: { banner: null }, [B]: {} }, clock);
    const run = runnerFor(network, clock);
    const plan: [string, ...string[]][] = [['mx1.tar.test', A], ['mx2.tar.test', B]];
    const first = await settle(clock, run(makeTask('tar.test', ['alice'], plan, { catch_all: false })));
    expect(first.results[0]!.smtp.reason).toBe('accepted');
    expect(network.dials).toEqual([A, B]);
    await clock.advance(60 * 60_000);
    const second = await settle(clock, run(makeTask('tar.test', ['bob'], plan, { catch_all: false, id: 't2' })));
    expect(second.results[0]!.smtp.reason).toBe('accepted');
    expect(network.dials).toEqual([A, B, B]);
    // Hours later the tarpit is given another chance.
    await clock.advance(6 * 60 * 60_000);
    await settle(clock, run(makeTask('tar.test', ['carol'], plan, { catch_all: false, id: 't3' })));
    expect(network.dials.slice(3)[0]).toBe(A);
  });
});
