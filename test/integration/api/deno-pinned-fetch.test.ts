import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDeno } from '../../support/run-deno.ts';

/**
 * The Deno edge's webhook POST (edge/adapters/pinned-fetch-deno.ts) against Node receivers on
 * loopback: it must reach the vetted address without resolving the URL's host, keep that host
 * for the Host header, SNI and the certificate check, and give up when told to.
 */
interface Seen {
  method: string | undefined;
  url: string | undefined;
  host: string | undefined;
  type: string | undefined;
  body: string;
}

const seen: Seen[] = [];
const servers: Server[] = [];

function receiver(req: IncomingMessage, res: ServerResponse): void {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    seen.push({ method: req.method, url: req.url, host: req.headers.host, type: req.headers['content-type'], body });
    if (req.url === '/hang') return;
    if (req.url === '/hints') res.writeEarlyHints({ link: '</style.css>; rel=preload' });
    res.writeHead(req.url === '/hints' ? 202 : 204, { 'x-receiver': 'yes' }).end();
  });
}

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/**
 * A throw-away CA and a certificate it signed for hooks.test, made with the system's openssl
 * (rustls, under Deno, refuses a self-signed CA certificate as the server's own).
 */
function certificate(): { ca: string; cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bz-hook-tls-'));
  const at = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl('req', '-x509', ...ec, '-days', '1', '-subj', '/CN=BounceZero test CA', '-keyout', at('ca.key'), '-out', at('ca.pem'));
  openssl('req', ...ec, '-subj', '/CN=hooks.test', '-keyout', at('key.pem'), '-out', at('req.pem'));
  writeFileSync(at('ext.cnf'), 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:hooks.test\nextendedKeyUsage=serverAuth\n');
  openssl('x509', '-req', '-in', at('req.pem'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial', '-days', '1', '-extfile', at('ext.cnf'), '-out', at('cert.pem'));
  return { ca: readFileSync(at('ca.pem'), 'utf8'), cert: readFileSync(at('cert.pem'), 'utf8'), key: readFileSync(at('key.pem'), 'utf8') };
}

const SCRIPT = `
import { denoPinnedFetch } from './edge/adapters/pinned-fetch-deno.ts';
const { http, https, ca } = JSON.parse(await new Response(Deno.stdin.readable).text());
const post = denoPinnedFetch(Deno, { caCerts: [ca] });
const pinned = { address: '127.0.0.1' };
const init = (signal) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"event":"job.finished"}', ...(signal ? { signal } : {}) });
const outcome = (p) => p.then((r) => ({ status: r.status, receiver: r.headers.get('x-receiver') }), (e) => ({ error: e.name, message: e.message }));
console.log(JSON.stringify({
  plain: await outcome(post('http://rebind.invalid:' + http + '/done?job=1', init(), pinned)),
  hints: await outcome(post('http://rebind.invalid:' + http + '/hints', init(), pinned)),
  tls: await outcome(post('https://hooks.test:' + https + '/tls', init(), pinned)),
  wrongName: await outcome(post('https://other.test:' + https + '/tls', init(), pinned)),
  timeout: await outcome(post('http://rebind.invalid:' + http + '/hang', init(AbortSignal.timeout(300)), pinned)),
}));
`;

afterAll(() => {
  for (const server of servers) server.close();
});

describe('the Deno edge\'s pinned webhook POST', () => {
  it('dials the vetted address with the URL\'s host kept for Host, SNI and the certificate, and stops when aborted', async () => {
    const tls = certificate();
    const http = await listen(createHttpServer(receiver));
    const https = await listen(createHttpsServer({ cert: tls.cert, key: tls.key }, receiver));
    const { code, stdout, stderr } = await runDeno(SCRIPT, JSON.stringify({ http, https, ca: tls.ca }));
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      // `.invalid` never resolves (RFC 6761): an answer proves no lookup took place.
      plain: { status: 204, receiver: 'yes' },
      hints: { status: 202, receiver: 'yes' },
      tls: { status: 204, receiver: 'yes' },
      wrongName: { error: 'InvalidData', message: expect.stringContaining('certificate not valid for name "other.test"') },
      timeout: { error: 'TimeoutError', message: expect.any(String) },
    });
    const post = { method: 'POST', type: 'application/json', body: '{"event":"job.finished"}' };
    expect(seen).toEqual([
      { ...post, url: '/done?job=1', host: `rebind.invalid:${http}` },
      { ...post, url: '/hints', host: `rebind.invalid:${http}` },
      { ...post, url: '/tls', host: `hooks.test:${https}` },
      { ...post, url: '/hang', host: `rebind.invalid:${http}` },
    ]);
  }, 60_000);
});
