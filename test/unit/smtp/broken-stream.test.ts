import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../support/fake-clock.ts';
import { FakeNetwork, type ServerScript } from './fake-smtp.ts';
import { makeTask, runnerFor, settle } from './harness.ts';

const MX = '192.0.2.10';

async function probe(script: ServerScript) {
  const clock = new FakeClock();
  const network = new FakeNetwork({ [MX]: script }, clock);
  const result = await settle(clock, runnerFor(network, clock)(makeTask('junk.test', ['alice', 'ghost'], [['mx.junk.test', MX]], { catch_all: false })));
  return result.results.map((r) => [r.smtp.outcome, r.smtp.reason, r.smtp.cause]);
}

describe('a broken stream invalidates the session', () => {
  it('more replies than commands: nothing from that transaction becomes a verdict', async () => {
    const got = await probe({ rcpt: (a) => (a.startsWith('alice') ? '250 2.1.5 Ok\r\n250 2.1.5 Ok' : '550 5.1.1 User unknown') });
    expect(got).toEqual([['error', 'smtp_protocol_error', 'broken'], ['error', 'smtp_protocol_error', 'broken']]);
  });

  it('junk after a 250: the answers before it are suspect too', async () => {
    const got = await probe({ rcpt: (a) => (a.startsWith('ghost') ? '550 5.1.1 User unknown\r\n\u0001\u0002 garbage without a code' : '250 2.1.5 Ok') });
    expect(got.map((g) => g[1])).toEqual(['smtp_protocol_error', 'smtp_protocol_error']);
  });
});
