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

describe('DoH client queue order', () => {
  it('a host\'s address questions go before MX questions still waiting', async () => {
    const zone = [
      ...Array.from({ length: 6 }, (_, i) => ({ name: `d${i}.test`, type: 'MX' as const, value: `10 mx.d${i}.test` })),
      { name: 'mx.d0.test', type: 'A' as const, value: '192.0.2.1' },
    ];
    const doh = new FakeDoh(zone);
    const client = createDohClient({ endpoints: [A], fetch: doh.fetch, clock: new FakeClock(), maxInFlight: 1 });
    const asked = zone.slice(0, 6).map((r) => client.query({ name: r.name, type: 'MX' }));
    const host = client.query({ name: 'mx.d0.test', type: 'A' });
    await Promise.all([...asked, host]);
    expect(doh.calls.map((c) => `${c.name} ${c.type}`).slice(0, 2)).toEqual(['d0.test MX', 'mx.d0.test A']);
  });
});
