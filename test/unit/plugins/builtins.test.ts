import { createServer, type Server } from 'node:http';
import type { AddressInfo as NetAddress } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlugins, type LoadedPlugin, type SkippedPlugin } from '../../../prober/plugins/loader.ts';
import { callHook } from '../../../prober/plugins/call-hook.ts';
import { classifyReply } from '../../../prober/smtp/classify-reply.ts';
import { nodePluginFs, pluginSources } from '../../../prober/adapters/plugin-fs-node.ts';
import { gmailAccount } from '../../../plugins/gmail/index.ts';
import { outlookAccount } from '../../../plugins/microsoft/index.ts';
import { yahooAccount } from '../../../plugins/yahoo/index.ts';
import { gravatarHash } from '../../../plugins/gravatar/index.ts';
import { systemClock, type AddressInfo, type SmtpCheck } from '../../../protocol/index.ts';

let plugins: Record<string, LoadedPlugin> = {};
const skipped: SkippedPlugin[] = [];
let server: Server;
let host = '';
const requests: { method: string; url: string; key?: string }[] = [];

/** Answers like Gravatar's avatar endpoint and HIBP's breachedaccount endpoint. */
beforeAll(async () => {
  plugins = Object.fromEntries((await loadPlugins(pluginSources(undefined), nodePluginFs, (s) => skipped.push(s))).map((p) => [p.manifest.name, p]));
  server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', key: req.headers['hibp-api-key'] as string | undefined });
    const url = req.url ?? '';
    if (url.startsWith('/avatar/')) {
      res.writeHead(url.includes(hashOfKnown) ? 200 : 404, { 'content-type': 'image/png' }).end();
    } else if (url.startsWith('/api/v3/breachedaccount/')) {
      if (req.headers['hibp-api-key'] !== 'k-123') return void res.writeHead(401).end();
      if (url.includes(encodeURIComponent('known@corp.test'))) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([{ Name: 'Adobe' }, { Name: 'LinkedIn' }]));
      } else res.writeHead(404).end();
    } else res.writeHead(500).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as NetAddress).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
let hashOfKnown = '';
beforeAll(async () => {
  hashOfKnown = await gravatarHash('Known@corp.test ');
});

const info = (address: string, mx_hosts: string[] = []): AddressInfo => {
  const [local_part = '', domain = ''] = address.split('@');
  return { id: '1', address, local_part, domain, mx_hosts };
};
const deps = (settings: Record<string, string>) => ({ clock: systemClock, fetch, settings: () => settings });

describe('built-in plugins', () => {
  it('all load from plugins/ with nothing skipped', () => {
    expect(skipped).toEqual([]);
    expect(Object.keys(plugins).sort()).toEqual(['breach', 'gmail', 'gravatar', 'microsoft', 'yahoo']);
  });

  it.each([
    ['john.smith', true],
    ['j.o.h.n.s.m', true],
    ['john.smith+news', true],
    ['abcde', false],
    ['a'.repeat(31), false],
    ['.john.smith', false],
    ['john..smith', false],
    ['john_smith', false],
  ])('gmail local part %s ⇒ %s', (local, ok) => {
    expect(gmailAccount(local).ok).toBe(ok);
  });

  it('gmail folds dots and tags into the canonical address, and skips impossible ones', async () => {
    expect(gmailAccount('John.Smith+x')).toEqual({ ok: true, canonical: 'johnsmith' });
    const skip = await callHook(plugins.gmail!, 'beforeSmtp', (ctx) => plugins.gmail!.hooks.beforeSmtp!(info('abc@gmail.com'), ctx), deps({}));
    expect(skip).toMatchObject({ ok: true, value: { skip: { reason: 'invalid_for_provider' } } });
    const workspace = await callHook(plugins.gmail!, 'beforeSmtp', (ctx) => plugins.gmail!.hooks.beforeSmtp!(info('abc@corp.test', ['aspmx.l.google.com']), ctx), deps({}));
    expect(workspace).toEqual({ ok: true, value: undefined });
  });

  it("leaves Google's replies to the reply tables: the gmail plugin reads no reply text", () => {
    // 452 4.2.2 over quota is a full mailbox by prober/smtp's tables, not by the plugin.
    const reply = { code: 452, enhanced: '4.2.2', lines: ['4.2.2 The email account that you tried to reach is over quota.'] };
    expect(classifyReply(reply, { phase: 'rcpt' }).reason).toBe('mailbox_full');
    expect(plugins.gmail!.hooks.afterSmtp).toBeUndefined();
  });

  it.each([
    ['john.doe', true],
    ['j_d-1', true],
    ['1john', false],
    ['john.', false],
    ['jo..hn', false],
    ['jo+hn', false],
  ])('outlook local part %s ⇒ %s', (local, ok) => {
    expect(outlookAccount(local).ok).toBe(ok);
  });

  it('microsoft treats a 250 from a 365 tenant as proof of nothing unless the catch-all probe said no', async () => {
    const smtp: SmtpCheck = { outcome: 'accepted', reason: 'accepted' };
    const tenant = info('x@corp.test', ['corp-test.mail.protection.outlook.com']);
    const hook = plugins.microsoft!.hooks.afterSmtp!;
    expect(await hook({ ...tenant, smtp, catch_all: { status: 'unknown', cached: false } }, {} as never)).toMatchObject({ smtp: { reason: 'accept_all_provider' } });
    expect(await hook({ ...tenant, smtp, catch_all: { status: 'no', cached: false } }, {} as never)).toBeUndefined();
    // Directory-based edge blocking (550 5.4.1 … AS(201806281)) is read by the reply tables; the plugin adds nothing.
    const dbebReply = { code: 550, enhanced: '5.4.1', lines: ['5.4.1 Recipient address rejected: Access denied. AS(201806281) [x.prod.outlook.com]'] };
    expect(classifyReply(dbebReply, { phase: 'rcpt' }).reason).toBe('mailbox_not_found');
    const dbeb: SmtpCheck = { outcome: 'rejected', reason: 'mailbox_not_found', reply: dbebReply };
    expect(await hook({ ...tenant, smtp: dbeb, catch_all: { status: 'no', cached: false } }, {} as never)).toBeUndefined();
  });

  it.each([
    ['john.doe', true],
    ['john_doe77', true],
    ['joe', false],
    ['7john', false],
    ['john.d.oe', false],
    ['john_', false],
  ])('yahoo local part %s ⇒ %s', (local, ok) => {
    expect(yahooAccount(local).ok).toBe(ok);
  });

  it('yahoo skips SMTP with a signal unless the operator turns probing on', async () => {
    const hook = (settings: Record<string, string>) => callHook(plugins.yahoo!, 'beforeSmtp', (ctx) => plugins.yahoo!.hooks.beforeSmtp!(info('john.doe@yahoo.com'), ctx), deps(settings));
    expect(await hook({})).toMatchObject({ ok: true, value: { skip: { reason: 'provider_blocks_probes' }, signals: [{ name: 'smtp_skipped' }] } });
    expect(await hook({ probe: 'true' })).toEqual({ ok: true, value: undefined });
  });

  it('gravatar asks for the SHA-256 of the normalized address with d=404 and reads 200/404', async () => {
    const settings = { enabled: 'true', base_url: `http://${host}`, allow_hosts: host };
    const run = (a: string) => callHook(plugins.gravatar!, 'enrich', (ctx) => plugins.gravatar!.hooks.enrich!(info(a), ctx), deps(settings));
    expect(await run('known@corp.test')).toMatchObject({ ok: true, value: { signals: [{ name: 'has_avatar', value: true }] } });
    expect(await run('stranger@corp.test')).toMatchObject({ ok: true, value: { signals: [{ name: 'has_avatar', value: false }] } });
    expect(requests.at(-2)).toEqual({ method: 'HEAD', url: `/avatar/${hashOfKnown}?d=404`, key: undefined });
    expect(hashOfKnown).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gravatar asks nobody unless the operator turns it on', async () => {
    const before = requests.length;
    const out = await callHook(plugins.gravatar!, 'enrich', (ctx) => plugins.gravatar!.hooks.enrich!(info('known@corp.test'), ctx), deps({ base_url: `http://${host}`, allow_hosts: host }));
    expect(out).toEqual({ ok: true, value: undefined });
    expect(requests.length).toBe(before);
  });

  it('gravatar cannot reach a host that neither the manifest nor the operator allowed', async () => {
    const out = await callHook(plugins.gravatar!, 'enrich', (ctx) => plugins.gravatar!.hooks.enrich!(info('a@corp.test'), ctx), deps({ enabled: 'true', base_url: `http://${host}` }));
    expect(out).toMatchObject({ ok: false, signal: { source: 'gravatar', ok: false } });
    expect((out as { signal: { detail: string } }).signal.detail).toMatch(/not allowed/);
  });

  it('breach sends the key, reads 200 as breached and 404 as clean, and has no opinion without a key', async () => {
    const run = (a: string, settings: Record<string, string>) => callHook(plugins.breach!, 'enrich', (ctx) => plugins.breach!.hooks.enrich!(info(a), ctx), deps(settings));
    const settings = { api_key: 'k-123', base_url: `http://${host}`, allow_hosts: host };
    expect(await run('known@corp.test', settings)).toMatchObject({ ok: true, value: { signals: [{ name: 'breached', value: true, detail: '2 breaches' }] } });
    expect(await run('fresh@corp.test', settings)).toMatchObject({ ok: true, value: { signals: [{ name: 'breached', value: false }] } });
    expect(await run('fresh@corp.test', { ...settings, api_key: 'wrong' })).toMatchObject({ ok: true, value: { signals: [{ ok: false, detail: 'HTTP 401' }] } });
    const before = requests.length;
    expect(await run('known@corp.test', {})).toEqual({ ok: true, value: undefined });
    expect(requests.length).toBe(before);
  });
});
