import { describe, expect, it } from 'vitest';
import { rcptPath } from '../../../prober/smtp/rcpt-path.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { FakeNetwork } from './fake-smtp.ts';
import { makeTask, runnerFor, settle } from './harness.ts';

describe('the RCPT path is the address exactly as written', () => {
  it.each([
    ['alice@example.com', 'alice@example.com'],
    ['first.last+tag@example.com', 'first.last+tag@example.com'],
    ['"alice@home"@example.com', '"alice@home"@example.com'],
    ['"john doe"@example.com', '"john doe"@example.com'],
    ['"a\\"b"@example.com', '"a\\"b"@example.com'],
    // quotes lost on the way in: the local part still travels quoted, never as another address
    ['alice@home@example.com', '"alice@home"@example.com'],
    ['john doe@example.com', '"john doe"@example.com'],
    ['a"b@example.com', '"a\\"b"@example.com'],
    ['postmaster@[192.0.2.1]', 'postmaster@[192.0.2.1]'],
  ])('%s ⇒ %s', (address, path) => {
    expect(rcptPath(address)).toBe(path);
  });

  it('goes out on the wire quoted, and the server is asked about that address', async () => {
    const clock = new FakeClock();
    const asked: string[] = [];
    const network = new FakeNetwork({ '192.0.2.10': { rcpt: (a) => (asked.push(a), '250 2.1.5 Ok') } }, clock);
    const result = await settle(clock, runnerFor(network, clock)(makeTask('q.test', ['"alice@home"', '"john doe"'], [['mx.q.test', '192.0.2.10']], { catch_all: false })));
    expect(network.commands('RCPT')).toEqual(['RCPT TO:<"alice@home"@q.test>', 'RCPT TO:<"john doe"@q.test>']);
    expect(asked).toEqual(['"alice@home"@q.test', '"john doe"@q.test']);
    expect(result.results.map((r) => r.smtp.reason)).toEqual(['accepted', 'accepted']);
    expect(network.violations).toEqual([]);
  });
});
