/**
 * Canary for the local test world (test/world/start.sh): if this fails, the other integration
 * suites' failures are about the world, not the code. Real sockets only.
 */
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import dnsPacket from 'dns-packet';
import { expect, it } from 'vitest';
import { smtpDialogue } from '../../world/smtp-dialogue.ts';
import {
  BLOCKLIST_REPLY, DNS, GREYLIST_DELAY_S, LISTENERS, RECIPIENT_LIMIT, RECIPIENT_LIMIT_REPLY, REFUSING_ADDRESS, SOCKS5, SPECIAL_RECIPIENTS,
  heloRejectReply,
} from '../../world/world.ts';
import { describeWorld } from '../../support/world-tier.ts';

const RCODE_NXDOMAIN = 3;
const sender = () => `canary-${randomUUID().slice(0, 8)}@prober.world.test`;

function listenerOf(domain: string): string {
  const listener = LISTENERS.find((l) => l.domains.includes(domain));
  if (!listener) throw new Error(`no listener takes ${domain}`);
  return listener.address;
}

async function rcptReply(email: string, from = sender()): Promise<string> {
  const host = listenerOf(email.slice(email.indexOf('@') + 1));
  const { replies } = await smtpDialogue(host, ['EHLO prober.world.test', `MAIL FROM:<${from}>`, `RCPT TO:<${email}>`, 'QUIT']);
  return replies[3] ?? '';
}

async function doh(name: string, type: 'MX' | 'A', method: 'GET' | 'POST') {
  const query = dnsPacket.encode({ type: 'query', id: 0, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name }] });
  const headers = { accept: 'application/dns-message', 'content-type': 'application/dns-message' };
  const response =
    method === 'GET'
      ? await fetch(`${DNS.doh}?dns=${query.toString('base64url')}`, { headers })
      : await fetch(DNS.doh, { method, headers, body: new Uint8Array(query) });
  expect(response.status).toBe(200);
  return dnsPacket.decode(Buffer.from(await response.arrayBuffer()));
}

/** Bytes read from a socket until `count` have arrived. */
function reader(socket: ReturnType<typeof connect>) {
  let buffered = Buffer.alloc(0);
  let waiter: (() => void) | undefined;
  socket.on('data', (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    waiter?.();
  });
  return async (count: number): Promise<Buffer> => {
    while (buffered.length < count) await new Promise<void>((resolve) => (waiter = resolve));
    const out = buffered.subarray(0, count);
    buffered = buffered.subarray(count);
    return out;
  };
}

/** SOCKS5 (RFC 1928) with username/password (RFC 1929); returns the auth status byte. */
async function socks5Connect(password: string, host: string, port: number) {
  const socket = connect({ host: SOCKS5.address, port: SOCKS5.port });
  const read = reader(socket);
  socket.write(Buffer.from([5, 1, 2]));
  expect([...(await read(2))]).toEqual([5, 2]);
  socket.write(Buffer.concat([Buffer.from([1, SOCKS5.user.length]), Buffer.from(SOCKS5.user), Buffer.from([password.length]), Buffer.from(password)]));
  const authStatus = (await read(2))[1];
  if (authStatus !== 0) return { socket, authStatus, read };
  socket.write(Buffer.from([5, 1, 0, 1, ...host.split('.').map(Number), port >> 8, port & 0xff]));
  const reply = await read(10);
  return { socket, authStatus, connectStatus: reply[1], read };
}

describeWorld('the local test world', () => {
  it('answers DoH GET and POST over HTTP/1.1 from the world zone', async () => {
    const mx = await doh('world.test', 'MX', 'GET');
    expect(mx.answers).toContainEqual(expect.objectContaining({ type: 'MX', data: { preference: 10, exchange: 'mx1.world.test' } }));
    const missing = await doh('nxdomain.test', 'MX', 'POST');
    expect((missing.flags ?? 0) & 0xf).toBe(RCODE_NXDOMAIN);
    const implicit = await doh('implicit.test', 'A', 'POST');
    expect(implicit.answers).toContainEqual(expect.objectContaining({ type: 'A', data: '127.0.0.27' }));
  });

  it('accepts a mailbox and rejects an unknown user with 550 5.1.1', async () => {
    expect(await rcptReply('alice@world.test')).toMatch(/^250 /);
    expect(await rcptReply('nobody@world.test')).toMatch(/^550 5\.1\.1 /);
  });

  it('gives the special recipients and the blocklist their exact replies', async () => {
    for (const [email, reply] of Object.entries(SPECIAL_RECIPIENTS)) expect(await rcptReply(email)).toBe(reply);
    expect(await rcptReply('alice@blocked.test')).toBe(BLOCKLIST_REPLY);
  });

  it('does not advertise PIPELINING on the nopipelining listener', async () => {
    const { replies } = await smtpDialogue(listenerOf('nopipe.test'), ['EHLO prober.world.test', 'QUIT']);
    expect(replies[1]).toMatch(/^250-/);
    expect(replies[1]).not.toMatch(/PIPELINING/);
  });

  it('refuses connections on the dead primary MX of failover.test', async () => {
    const error = await new Promise<NodeJS.ErrnoException>((resolve, reject) => {
      const socket = connect({ host: REFUSING_ADDRESS, port: 25 });
      socket.on('connect', () => reject(new Error('connected')));
      socket.on('error', resolve);
    });
    expect(error.code).toBe('ECONNREFUSED');
  });

  it('greylists a new triplet, then accepts it after the delay', async () => {
    const from = sender();
    expect(await rcptReply('alice@grey.test', from)).toMatch(/^45[01] 4\.(2\.0|7\.1) .*greylist/i);
    await sleep((GREYLIST_DELAY_S + 1) * 1000);
    expect(await rcptReply('alice@grey.test', from)).toMatch(/^250 /);
  });

  it('limits recipients per transaction, requires a fully-qualified HELO, greylists a catch-all, as world.ts says', async () => {
    const rcpts = ['alice', 'nobody', 'bob', 'carol', 'first.last'].map((l) => `RCPT TO:<${l}@limit.test>`);
    const limit = await smtpDialogue(listenerOf('limit.test'), ['EHLO prober.world.test', `MAIL FROM:<${sender()}>`, ...rcpts, 'QUIT']);
    // Postfix counts accepted recipients only: the refused one does not use up the limit.
    expect(limit.replies.slice(3, 3 + rcpts.length).map((r) => r.slice(0, 3))).toEqual(['250', '550', '250', '250', '452']);
    expect(limit.replies[3 + RECIPIENT_LIMIT + 1]).toBe(RECIPIENT_LIMIT_REPLY);
    const helo = await smtpDialogue(listenerOf('helo.test'), ['EHLO prober', `MAIL FROM:<${sender()}>`, 'RCPT TO:<alice@helo.test>', 'QUIT']);
    expect(helo.replies[3]).toBe(heloRejectReply('prober'));
    expect(await rcptReply('alice@helo.test')).toMatch(/^250 /);
    const from = sender();
    expect(await rcptReply('x9-anything@greycatch.test', from)).toMatch(/^450 4\.2\.0 .*Greylisted/);
    await sleep((GREYLIST_DELAY_S + 1) * 1000);
    expect(await rcptReply('x9-anything@greycatch.test', from)).toMatch(/^250 /);
  });

  it('relays SOCKS5 CONNECTs to loopback for bz and rejects a wrong password', async () => {
    const good = await socks5Connect(SOCKS5.password, listenerOf('world.test'), 25);
    expect(good.connectStatus).toBe(0);
    expect((await good.read(4)).toString()).toBe('220 ');
    good.socket.destroy();
    const bad = await socks5Connect('not-the-password', listenerOf('world.test'), 25);
    expect(bad.authStatus).not.toBe(0);
    bad.socket.destroy();
  });
});
