import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { createDohClient, type DohClientOptions } from '../../../edge/dns/doh-client.ts';
import type { DnsResult } from '../../../edge/dns/dns-message.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { FakeDoh, type Behaviour } from './fake-doh.ts';

const A = 'http://127.0.0.1:8101/dns-query';
const B = 'http://127.0.0.1:8102/dns-query';
const ZONE = [
  { name: 'world.test', type: 'MX' as const, value: '10 mx1.world.test' },
  { name: 'mx1.world.test', type: 'A' as const, value: '127.0.0.20' },
];

function setup(behaviours: Record<string, Behaviour> = {}, options: Partial<DohClientOptions> = {}) {
  const doh = new FakeDoh(ZONE);
  doh.behaviour = behaviours;
  const clock = new FakeClock();
  const client = createDohClient({ endpoints: [A, B], fetch: doh.fetch, clock, ...options });
  return { doh, clock, client };
}

const MX = { name: 'world.test', type: 'MX' } as const;

function answers(result: DnsResult): string[] {
  return result.ok ? result.answer.answers.map((r) => `${r.name} ${r.type} ${r.data}`) : [`failure: ${result.failure.reason}`];
}

describe('DoH client, RFC 8484', () => {
  it('asks by GET with base64url and no padding, id 0, and decodes the answer', async () => {
    const { doh, client } = setup();
    const result = await client.query(MX);
    expect(answers(result)).toEqual(['world.test MX 10 mx1.world.test']);
    expect(doh.calls).toHaveLength(1);
    const url = new URL(doh.calls[0]?.url ?? '');
    const dns = url.searchParams.get('dns') ?? '';
    expect(dns).toMatch(/^[A-Za-z0-9_-]+$/);
    const query = dnsPacket.decode(Buffer.from(dns, 'base64url'));
    expect(query.id).toBe(0);
    expect(query.flag_rd).toBe(true);
    expect(query.questions).toEqual([{ name: 'world.test', type: 'MX', class: 'IN' }]);
  });

  it('posts application/dns-message when the GET URL would be too long', async () => {
    const { doh, client } = setup({}, { maxGetUrl: 40 });
    expect(answers(await client.query(MX))).toEqual(['world.test MX 10 mx1.world.test']);
    expect(doh.calls[0]).toMatchObject({ method: 'POST', url: A });
  });

  it('asks in lower case without the final dot, and refuses names it cannot encode', async () => {
    const { doh, client } = setup();
    expect(answers(await client.query({ name: 'World.TEST.', type: 'MX' }))).toEqual(['world.test MX 10 mx1.world.test']);
    expect(doh.calls[0]?.name).toBe('world.test');
    for (const name of [`${'a'.repeat(64)}.test`, 'a..test', 'white space.test', 'x'.repeat(254)]) {
      expect(await client.query({ name, type: 'A' })).toMatchObject({ ok: false, failure: { reason: 'invalid_name' } });
    }
    expect(doh.calls).toHaveLength(1);
  });

  it('keeps an NXDOMAIN with its RFC 2308 negative TTL', async () => {
    const { client } = setup();
    const result = await client.query({ name: 'nowhere.test', type: 'MX' });
    expect(result).toEqual({ ok: true, answer: { rcode: 'NXDOMAIN', answers: [], negativeTtl: 60 } });
  });
});

describe('DoH client failover', () => {
  it.each<[Behaviour, string]>([
    ['dead', 'network'],
    ['garbage', 'undecodable'],
    ['servfail', 'server_failure'],
    ['http500', 'http_status'],
    ['html', 'content_type'],
    ['wrong-question', 'wrong_question'],
    ['qr0', 'not_a_response'],
    ['truncated', 'truncated'],
    ['cut', 'undecodable'],
    ['pointer-loop', 'undecodable'],
    ['oversized', 'too_large'],
  ])('moves on from an endpoint that is %s, and reports %s when it is alone', async (behaviour, reason) => {
    const both = setup({ [A]: behaviour });
    expect(answers(await both.client.query(MX))).toEqual(['world.test MX 10 mx1.world.test']);
    expect(both.doh.calls.map((c) => c.endpoint)).toEqual([A, B]);

    const alone = setup({ [A]: behaviour }, { endpoints: [A] });
    const result = await alone.client.query(MX);
    expect(result.ok ? 'ok' : result.failure.reason).toBe(reason);
    expect(result.ok ? '' : result.failure.detail).toContain(A);
  });

  it('gives up on a hanging endpoint after its timeout on the injected clock', async () => {
    const { doh, clock, client } = setup({ [A]: 'hang' });
    let result: DnsResult | undefined;
    void client.query(MX).then((r) => (result = r));
    await clock.advance(1_999);
    expect(result).toBeUndefined();
    expect(doh.calls).toHaveLength(1);
    await clock.advance(1);
    expect(answers(result!)).toEqual(['world.test MX 10 mx1.world.test']);
    expect(clock.pending).toBe(0);
  });

  it('bounds an endpoint that trickles its body forever by the same timeout', async () => {
    const { clock, client } = setup({ [A]: 'trickle', [B]: 'trickle' }, { timeoutMs: 500 });
    let result: DnsResult | undefined;
    void client.query(MX).then((r) => (result = r));
    await clock.advance(999);
    expect(result).toBeUndefined();
    await clock.advance(1);
    expect(result?.ok ? 'ok' : result?.failure).toMatchObject({ reason: 'timeout' });
  });

  it('reports every endpoint when all fail, as a value', async () => {
    const { client } = setup({ [A]: 'dead', [B]: 'http500' });
    const result = await client.query(MX);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.failure.reason).toBe('http_status');
      expect(result.failure.detail).toContain(`${A}: fetch failed`);
      expect(result.failure.detail).toContain(`${B}: HTTP 500`);
    }
  });

  it('gives up every question, out or waiting, when its lifetime ends (the edge shutting down)', async () => {
    const clock = new FakeClock();
    const closing = new AbortController();
    const sent: string[] = [];
    let aborted = 0;
    // An endpoint that never answers but lets go when the fetch is aborted, as a real fetch does.
    const fetch = (input: string, init: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        sent.push(input);
        init.signal?.addEventListener('abort', () => (aborted++, reject(new DOMException('aborted', 'AbortError'))));
      });
    const client = createDohClient({ endpoints: [A, B], fetch, clock, maxInFlight: 2, signal: closing.signal });
    const names = ['a.test', 'b.test', 'c.test', 'd.test'];
    const pending = Promise.all(names.map((name) => client.query({ name, type: 'MX' })));
    await clock.advance(0);
    expect(sent).toHaveLength(2);
    closing.abort();
    const results = await pending;
    expect(results.map((r) => (r.ok ? 'ok' : r.failure.reason))).toEqual(['aborted', 'aborted', 'aborted', 'aborted']);
    // The two out were aborted; the two waiting and the second endpoint were never asked.
    expect(aborted).toBe(2);
    expect(sent).toHaveLength(2);
    expect(clock.pending).toBe(0);
  });

  it('returns at once, as a value, when the caller aborts', async () => {
    const { client } = setup({ [A]: 'hang' });
    const controller = new AbortController();
    const pending = client.query(MX, controller.signal);
    controller.abort();
    expect(await pending).toMatchObject({ ok: false, failure: { reason: 'aborted' } });
  });
});

describe('DoH client circuit breaker', () => {
  it('skips a failing endpoint while open and tries it once when the cool-down ends', async () => {
    const { doh, clock, client } = setup({ [A]: 'dead' }, { breaker: { failures: 2, cooldownMs: 10_000 } });
    const toA = () => doh.count({ endpoint: A });
    await client.query(MX);
    await client.query({ name: 'mx1.world.test', type: 'A' });
    expect(toA()).toBe(2);
    await client.query({ name: 'mx1.world.test', type: 'AAAA' });
    expect(toA()).toBe(2);
    await clock.advance(10_000);
    await client.query({ name: 'world.test', type: 'A' });
    expect(toA()).toBe(3);
    // The half-open trial failed: open again at once, without waiting for two more failures.
    await client.query({ name: 'world.test', type: 'AAAA' });
    expect(toA()).toBe(3);
    await clock.advance(10_000);
    doh.behaviour[A] = 'ok';
    await client.query({ name: 'world.test', type: 'TXT' });
    await client.query({ name: 'world.test', type: 'NS' });
    expect(toA()).toBe(5);
    expect(doh.count({ endpoint: B })).toBe(5);
  });

  it('does not count SERVFAIL against an endpoint: it answered', async () => {
    const { doh, client } = setup({ [A]: 'servfail' }, { breaker: { failures: 1, cooldownMs: 10_000 } });
    await client.query(MX);
    await client.query({ name: 'mx1.world.test', type: 'A' });
    expect(doh.count({ endpoint: A })).toBe(2);
  });

  it('fails fast with circuit_open when every endpoint is open', async () => {
    const { doh, client } = setup({ [A]: 'dead', [B]: 'dead' }, { breaker: { failures: 1, cooldownMs: 10_000 } });
    await client.query(MX);
    const result = await client.query({ name: 'mx1.world.test', type: 'A' });
    expect(result).toMatchObject({ ok: false, failure: { reason: 'circuit_open' } });
    expect(doh.calls).toHaveLength(2);
  });
});

describe('DoH client status (for /v1/health)', () => {
  it('names an endpoint by origin and path only, in failures and in its status: never the credentials or query of the setting', async () => {
    const withSecrets = 'http://bz:hunter2@127.0.0.1:8101/dns-query?token=s3cret';
    const { client, clock } = setup({ [A]: 'http500', [B]: 'dead' }, { endpoints: [withSecrets, B] });
    const result = await client.query(MX);
    expect(result.ok ? 'ok' : result.failure.detail).toContain(`${A}: HTTP 500`);
    expect(client.status()).toMatchObject([
      { endpoint: A, ok: false, circuit: 'closed', last_answer_at: null, last_failure: { at: clock.now(), reason: 'http_status', detail: `${A}: HTTP 500` } },
      { endpoint: B, ok: false, circuit: 'closed', last_failure: { reason: 'network' } },
    ]);
    for (const shown of [JSON.stringify(result), JSON.stringify(client.status())]) {
      expect(shown).not.toMatch(/hunter2|s3cret|bz:/);
    }
  });

  it('is ok before any question, failing after a failure or while open, ok again once it answers; SERVFAIL is an answer', async () => {
    const { doh, client, clock } = setup({ [A]: 'dead' }, { breaker: { failures: 1, cooldownMs: 10_000 } });
    expect(client.status().map((e) => [e.ok, e.circuit])).toEqual([[true, 'closed'], [true, 'closed']]);
    await client.query(MX);
    expect(client.status().map((e) => [e.ok, e.circuit])).toEqual([[false, 'open'], [true, 'closed']]);
    expect(client.status()[1]!.last_answer_at).toBe(clock.now());
    await clock.advance(10_000);
    doh.behaviour[A] = 'servfail';
    await client.query({ name: 'world.test', type: 'A' });
    expect(client.status()[0]).toMatchObject({ ok: true, circuit: 'closed', last_answer_at: clock.now(), last_failure: { reason: 'network' } });
  });
});

describe('DoH client single flight', () => {
  it('sends one query for identical questions in flight', async () => {
    const { doh, client } = setup();
    const results = await Promise.all([client.query(MX), client.query(MX), client.query(MX), client.query({ name: 'world.test', type: 'A' })]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true]);
    expect(doh.count({ name: 'world.test', type: 'MX' })).toBe(1);
    expect(doh.calls).toHaveLength(2);
    await client.query(MX);
    expect(doh.count({ name: 'world.test', type: 'MX' })).toBe(2);
  });

  it('lets one caller give up without cancelling the query for the others', async () => {
    const { clock, client } = setup({ [A]: 'hang' });
    const controller = new AbortController();
    const quitter = client.query(MX, controller.signal);
    const stayer = client.query(MX);
    controller.abort();
    expect(await quitter).toMatchObject({ ok: false, failure: { reason: 'aborted' } });
    await clock.advance(2_000);
    expect(answers(await stayer)).toEqual(['world.test MX 10 mx1.world.test']);
  });
});

describe('DoH client JSON API', () => {
  it('falls back to JSON when an endpoint refuses wire format, and remembers it', async () => {
    const { doh, client } = setup({ [A]: 'json-only' });
    expect(answers(await client.query(MX))).toEqual(['world.test MX 10 mx1.world.test']);
    expect(doh.calls.map((c) => [c.endpoint, c.json])).toEqual([
      [A, false],
      [A, true],
    ]);
    expect(answers(await client.query({ name: 'mx1.world.test', type: 'A' }))).toEqual(['mx1.world.test A 127.0.0.20']);
    expect(doh.calls.at(-1)).toMatchObject({ endpoint: A, json: true });
    expect(doh.calls).toHaveLength(3);
  });

  it('asks a json+ endpoint in JSON from the start, negative answers included', async () => {
    const { doh, client } = setup({}, { endpoints: [`json+${A}`] });
    expect(await client.query({ name: 'nowhere.test', type: 'A' })).toEqual({ ok: true, answer: { rcode: 'NXDOMAIN', answers: [], negativeTtl: 60 } });
    expect(doh.calls[0]).toMatchObject({ json: true, name: 'nowhere.test', type: 'A' });
    expect(new URL(doh.calls[0]?.url ?? '').searchParams.get('name')).toBe('nowhere.test');
  });
});
