import { describe, expect, it } from 'vitest';
import { createDohClient } from '../../../edge/dns/doh-client.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { FakeDoh } from './fake-doh.ts';

const A = 'http://127.0.0.1:8101/dns-query';
const ZONE = Array.from({ length: 40 }, (_, i) => ({ name: `d${i}.test`, type: 'MX' as const, value: `10 mx.d${i}.test` }));

describe('DoH client under a burst', () => {
  it('keeps at most maxInFlight questions out, answers every one, and the breaker stays closed', async () => {
    const doh = new FakeDoh(ZONE);
    let open = 0;
    let peak = 0;
    const fetch = async (input: string, init: RequestInit) => {
      peak = Math.max(peak, ++open);
      try {
        return await doh.fetch(input, init);
      } finally {
        open--;
      }
    };
    const client = createDohClient({ endpoints: [A], fetch, clock: new FakeClock(), maxInFlight: 4 });
    const results = await Promise.all(ZONE.map((r) => client.query({ name: r.name, type: 'MX' })));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(doh.calls).toHaveLength(40);
    expect(peak).toBe(4);
  });
});
