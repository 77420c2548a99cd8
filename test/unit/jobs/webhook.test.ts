import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { cidr } from '../../../net/cidr.ts';
import type { WebhookFetch } from '../../../edge/jobs/webhook/webhook-sender.ts';
import { pinnedFetch } from '../../../edge/adapters/pinned-fetch-node.ts';
import { jobsHarness, plan, TEST_KEY } from './jobs-harness.ts';

const plans = { 'a.test': plan('a.test') };
const auth = { authorization: `Bearer ${TEST_KEY}` };

/** A receiver that answers the statuses it is given, in turn, and records what it was sent. */
function scriptedReceiver(...statuses: number[]) {
  const calls: { url: string; headers: Headers; body: string; redirect: RequestRedirect | undefined; address: string }[] = [];
  const fetch: WebhookFetch = async (url, init, pinned) => {
    calls.push({ url, headers: new Headers(init.headers), body: String(init.body), redirect: init.redirect, address: pinned.address });
    const status = statuses[Math.min(calls.length - 1, statuses.length - 1)] ?? 204;
    return new Response(status === 204 ? null : 'x', { status, headers: status === 302 ? { location: 'http://10.0.0.1/' } : {} });
  };
  return { fetch, calls };
}

async function setup(options: { statuses?: number[]; addresses?: string[]; allowNets?: string[]; maxAttempts?: number; healthy?: number } = {}) {
  const receiver = scriptedReceiver(...(options.statuses ?? [204]));
  const lookedUp: string[] = [];
  const h = await jobsHarness({
    plans,
    ...(options.healthy !== undefined ? { healthy: options.healthy } : {}),
    webhooks: {
      fetch: receiver.fetch,
      hostAddresses: async (host) => (lookedUp.push(host), options.addresses ?? ['93.184.216.34']),
      allowNets: (options.allowNets ?? []).map((n) => cidr(n)),
      options: { ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}) },
    },
  });
  const create = async (callbackUrl: string, body = 'email\nann@a.test\nbad address\n') => {
    const res = await h.app.request(`/v1/jobs?callback_url=${encodeURIComponent(callbackUrl)}`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body });
    return { status: res.status, body: (await res.json()) as { id: string; callback_secret?: string; error?: { code: string; message: string } } };
  };
  const callback = async (id: string) => (await h.store.selectFrom('jobs').select(['callback_state', 'callback_attempts', 'callback_error']).where('id', '=', id).executeTakeFirstOrThrow());
  return { h, receiver, lookedUp, create, callback };
}

describe('the completion webhook', () => {
  it('posts the finished job once, signed with HMAC-SHA256 over timestamp and body, with the secret given at creation', async () => {
    const { h, receiver, lookedUp, create, callback } = await setup();
    const created = await create('https://hooks.example.test/bouncezero?list=7');
    expect(created.status).toBe(202);
    const secret = created.body.callback_secret!;
    expect(secret).toMatch(/^whsec_[0-9a-f]{48}$/);
    expect(await h.webhooks.deliverDue()).toBe(0); // still running: nothing to say yet
    await h.run();
    expect(await h.webhooks.deliverDue()).toBe(1);
    expect(await h.webhooks.deliverDue()).toBe(0);
    expect(receiver.calls).toHaveLength(1);
    const [call] = receiver.calls;
    expect(call!.url).toBe('https://hooks.example.test/bouncezero?list=7');
    expect(call!.redirect).toBe('manual');
    expect(lookedUp).toEqual(['hooks.example.test']);
    const timestamp = call!.headers.get('x-bouncezero-timestamp')!;
    expect(Number(timestamp)).toBe(Math.floor(h.clock.now() / 1000));
    const expected = 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${call!.body}`).digest('hex');
    expect(call!.headers.get('x-bouncezero-signature')).toBe(expected);
    expect(call!.headers.get('x-bouncezero-event')).toBe('job.finished');
    expect(call!.headers.get('x-bouncezero-delivery')).toBe(`${created.body.id}.1`);
    const body = JSON.parse(call!.body);
    expect(body).toMatchObject({ event: 'job.finished', job: { id: created.body.id, status: 'completed', total: 2, done: 2, counts: { deliverable: 1, undeliverable: 1 } } });
    expect(await callback(created.body.id)).toEqual({ callback_state: 'delivered', callback_attempts: 1, callback_error: null });
    // The secret is never shown again.
    expect(JSON.stringify(await (await h.app.request(`/v1/jobs/${created.body.id}`, { headers: auth })).json())).not.toContain(secret);
  });

  it('retries a failing receiver after 10 s, then 30 s, and stops once it answers 2xx', async () => {
    const { h, receiver, create, callback } = await setup({ statuses: [500, 503, 204] });
    const { body } = await create('https://hooks.example.test/x');
    await h.run();
    expect(await h.webhooks.deliverDue()).toBe(1);
    expect(await callback(body.id)).toEqual({ callback_state: 'pending', callback_attempts: 1, callback_error: 'the callback answered 500' });
    await h.clock.advance(9_999);
    expect(await h.webhooks.deliverDue()).toBe(0);
    await h.clock.advance(1);
    expect(await h.webhooks.deliverDue()).toBe(1);
    await h.clock.advance(29_999);
    expect(await h.webhooks.deliverDue()).toBe(0);
    await h.clock.advance(1);
    expect(await h.webhooks.deliverDue()).toBe(1);
    expect(receiver.calls.map((c) => c.headers.get('x-bouncezero-delivery'))).toEqual([1, 2, 3].map((n) => `${body.id}.${n}`));
    expect(await callback(body.id)).toEqual({ callback_state: 'delivered', callback_attempts: 3, callback_error: null });
  });

  it('gives up after the last attempt, keeping the reason; a redirect counts as a failure and is not followed', async () => {
    const { h, receiver, create, callback } = await setup({ statuses: [302], maxAttempts: 3 });
    const { body } = await create('https://hooks.example.test/x');
    await h.run();
    for (let i = 0; i < 5; i++) {
      await h.webhooks.deliverDue();
      await h.clock.advance(3_600_000);
    }
    expect(receiver.calls).toHaveLength(3);
    expect(await callback(body.id)).toEqual({ callback_state: 'failed', callback_attempts: 3, callback_error: 'the callback answered 302 (redirects are not followed)' });
    const listed = await (await h.app.request('/v1/jobs', { headers: auth })).json();
    expect(listed.jobs[0].callback).toEqual({ state: 'failed', attempts: 3, error: 'the callback answered 302 (redirects are not followed)' });
  });

  it('refuses private and loopback targets like MX hosts, unless BZ_ALLOW_NETS allows them', async () => {
    const privateName = await setup({ addresses: ['93.184.216.34', '10.1.2.3'] });
    const a = (await privateName.create('https://intranet.example.test/hook')).body;
    const literal = (await privateName.create('http://127.0.0.1:8080/hook')).body;
    const v6 = (await privateName.create('http://[::1]:8080/hook')).body;
    await privateName.h.run();
    await privateName.h.webhooks.deliverDue();
    expect(privateName.receiver.calls).toHaveLength(0);
    expect(await privateName.callback(a.id)).toMatchObject({ callback_state: 'failed', callback_attempts: 1, callback_error: expect.stringContaining('10.1.2.3 (private address space)') });
    expect(await privateName.callback(literal.id)).toMatchObject({ callback_state: 'failed', callback_error: expect.stringContaining('127.0.0.1 (loopback') });
    expect(await privateName.callback(v6.id)).toMatchObject({ callback_state: 'failed', callback_error: expect.stringContaining('::1 (loopback') });

    const allowed = await setup({ allowNets: ['127.0.0.0/8'] });
    const ok = (await allowed.create('http://127.0.0.1:8080/hook')).body;
    await allowed.h.run();
    await allowed.h.webhooks.deliverDue();
    expect(allowed.receiver.calls.map((c) => c.url)).toEqual(['http://127.0.0.1:8080/hook']);
    expect(await allowed.callback(ok.id)).toMatchObject({ callback_state: 'delivered' });
  });

  it('goes out at once when the job is cancelled', async () => {
    const { h, receiver, create } = await setup({ healthy: 0 });
    const { body } = await create('https://hooks.example.test/x');
    h.webhooks.start();
    await h.webhooks.idle();
    expect(receiver.calls).toHaveLength(0);
    await h.app.request(`/v1/jobs/${body.id}/cancel`, { method: 'POST', headers: auth });
    await h.webhooks.idle();
    expect(receiver.calls).toHaveLength(1);
    expect(JSON.parse(receiver.calls[0]!.body).job).toMatchObject({ status: 'cancelled' });
    await h.webhooks.stop();
  });

  it('refuses a malformed callback_url at creation with a 400, and stores nothing', async () => {
    const { h, create } = await setup();
    for (const url of ['not a url', 'ftp://example.test/x', 'https://user:pw@example.test/x']) {
      const res = await create(url);
      expect([url, res.status, res.body.error?.code]).toEqual([url, 400, 'invalid_callback_url']);
    }
    expect(await h.store.selectFrom('jobs').selectAll().execute()).toEqual([]);
  });

  it('connects to the address the guard vetted, never resolving the host again (no DNS rebinding window)', async () => {
    const { h, receiver, lookedUp, create } = await setup({ addresses: ['93.184.216.34', '2606:2800:220:1::1'] });
    const { body } = await create('https://hooks.example.test/done');
    await h.run();
    expect(await h.webhooks.deliverDue()).toBe(1);
    expect(lookedUp).toEqual(['hooks.example.test']);
    expect(receiver.calls.map((c) => [c.url, c.address])).toEqual([['https://hooks.example.test/done', '93.184.216.34']]);
    expect(body.id).toBeTruthy();
  });

  it('pinnedFetch (the Node edge\'s) dials the pinned address with the URL\'s host kept, for a name no resolver knows', async () => {
    const seen: { host: string | undefined; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ host: req.headers.host, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      // `.invalid` never resolves (RFC 6761): reaching the server proves no lookup took place.
      const res = await pinnedFetch(`http://rebind.invalid:${port}/done`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' }, { address: '127.0.0.1' });
      expect(res.status).toBe(204);
      expect(seen).toEqual([{ host: `rebind.invalid:${port}`, body: '{"a":1}' }]);
    } finally {
      server.close();
    }
  });

  it('reaches a real receiver over loopback HTTP with the real fetch', async () => {
    const received: { headers: IncomingMessage['headers']; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const h = await jobsHarness({ plans, webhooks: { allowNets: [cidr('127.0.0.0/8')] } });
      const res = await h.app.request(`/v1/jobs?callback_url=${encodeURIComponent(`http://127.0.0.1:${(server.address() as AddressInfo).port}/done`)}`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body: 'email\nbad address\n' });
      const { callback_secret: secret } = (await res.json()) as { callback_secret: string };
      expect(await h.webhooks.deliverDue()).toBe(1);
      expect(received).toHaveLength(1);
      const { headers, body } = received[0]!;
      expect(headers['x-bouncezero-signature']).toBe('sha256=' + createHmac('sha256', secret).update(`${headers['x-bouncezero-timestamp']}.${body}`).digest('hex'));
      expect(JSON.parse(body)).toMatchObject({ event: 'job.finished', job: { status: 'completed', counts: { undeliverable: 1 } } });
    } finally {
      server.close();
    }
  });
});
