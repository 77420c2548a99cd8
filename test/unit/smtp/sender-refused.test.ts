import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../support/fake-clock.ts';
import { FakeNetwork } from './fake-smtp.ts';
import { makeTask, runnerFor, settle } from './harness.ts';

const MX = '192.0.2.10';

describe('a refusal of every recipient that names our sender', () => {
  it('is about us, not the recipients, whatever it calls unknown', async () => {
    const clock = new FakeClock();
    // A callout to our MAIL FROM failed, in words a missing recipient would get; the harness's sender is verify@prober.example.test.
    const callout = ['550-<verify@prober.example.test>: Unrouteable address', '550 5.1.1 No such user'].join('\r\n');
    const network = new FakeNetwork({ [MX]: { rcpt: () => callout } }, clock);
    const result = await settle(clock, runnerFor(network, clock)(makeTask('callout.test', ['alice', 'ghost'], [['mx.callout.test', MX]], { catch_all: false })));
    expect(result.results.map((r) => [r.smtp.outcome, r.smtp.reason])).toEqual([['error', 'blocked_by_server'], ['error', 'blocked_by_server']]);
  });
});
