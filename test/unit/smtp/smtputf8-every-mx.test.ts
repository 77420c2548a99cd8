import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../support/fake-clock.ts';
import { FakeNetwork, type ServerScript } from './fake-smtp.ts';
import { makeTask, runnerFor, settle } from './harness.ts';

const A = '192.0.2.10';
const B = '192.0.2.11';
const plain: ServerScript = { ehloKeywords: ['PIPELINING', 'ENHANCEDSTATUSCODES'] };
const utf8: ServerScript = {};
const plan: [string, ...string[]][] = [['mx1.eai.test', A], ['mx2.eai.test', B]];

async function run(hosts: Record<string, ServerScript | 'refuse'>) {
  const clock = new FakeClock();
  const network = new FakeNetwork(hosts, clock);
  const result = await settle(clock, runnerFor(network, clock)(makeTask('eai.test', ['jöran', 'ascii'], plan, { catch_all: false, smtputf8: ['jöran'] })));
  return { network, checks: result.results.map((r) => [r.smtp.outcome, r.smtp.reason]) };
}

describe('an address that needs SMTPUTF8', () => {
  it('is asked at the next MX when the first does not offer it', async () => {
    const { checks, network } = await run({ [A]: plain, [B]: utf8 });
    expect(checks).toEqual([['accepted', 'accepted'], ['accepted', 'accepted']]);
    expect(network.sessionsTo(A).flatMap((s) => s.lines).some((l) => l.includes('jöran'))).toBe(false);
  });

  it('is undeliverable (smtputf8_unsupported) only when no MX offers it', async () => {
    const { checks } = await run({ [A]: plain, [B]: plain });
    expect(checks).toEqual([['rejected', 'smtputf8_unsupported'], ['accepted', 'accepted']]);
  });

  it('is not condemned when an MX that might offer it could not be reached', async () => {
    const { checks } = await run({ [A]: plain, [B]: 'refuse' });
    expect(checks[0]![1]).not.toBe('smtputf8_unsupported');
    expect(checks[1]).toEqual(['accepted', 'accepted']);
  });
});
