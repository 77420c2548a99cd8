/**
 * The SOCKS5 dialer against the world's real dante (test/world/start.sh): banner, STARTTLS and
 * RCPT replies of the real Postfix on 127.0.0.20, all through the proxy, and the proxy's own
 * refusals. The RCPT replies also go through classifyReply, so the classifier meets the real
 * wording of the world's special recipients.
 */
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { SmtpReply } from '../../../protocol/index.ts';
import { createSocks5Dialer } from '../../../prober/adapters/socks5-dialer.ts';
import { enhancedCodeOf } from '../../../prober/smtp/enhanced-code.ts';
import { classifyReply } from '../../../prober/smtp/classify-reply.ts';
import type { Connection } from '../../../prober/smtp/dialer.ts';
import { GREYLIST_DELAY_S, LISTENERS, REFUSING_ADDRESS, SOCKS5, STARTTLS_ADDRESS } from '../../world/world.ts';
import { describeWorld } from '../../support/world-tier.ts';

const PROXY = `socks5://${SOCKS5.user}:${SOCKS5.password}@${SOCKS5.address}:${SOCKS5.port}`;
const TIMEOUT = { timeoutMs: 10_000 };

/** Reads whole SMTP replies off a Connection (a test-side reader; the product's is the session's). */
function replies(connection: Connection) {
  let text = '';
  let wake: (() => void) | undefined;
  let closed = false;
  connection.onData((chunk) => {
    text += Buffer.from(chunk).toString('latin1');
    wake?.();
  });
  connection.onEnd(() => {
    closed = true;
    wake?.();
  });
  return async (): Promise<SmtpReply> => {
    for (;;) {
      const lines = text.split('\r\n');
      const end = lines.findIndex((l) => /^\d{3} /.test(l));
      if (end >= 0) {
        text = lines.slice(end + 1).join('\r\n');
        const own = lines.slice(0, end + 1);
        const code = Number(own[0]!.slice(0, 3));
        const texts = own.map((l) => l.slice(4));
        const enhanced = enhancedCodeOf(texts[0]!, code);
        return enhanced ? { code, enhanced, lines: texts } : { code, lines: texts };
      }
      if (closed) throw new Error(`connection closed with ${JSON.stringify(text)} unread`);
      await new Promise<void>((r) => (wake = r));
    }
  };
}

async function session(connection: Connection) {
  let current = connection;
  let next = replies(connection);
  const send = async (line: string) => {
    current.write(Buffer.from(`${line}\r\n`));
    return next();
  };
  return {
    banner: next,
    send,
    async startTls() {
      const upgraded = await current.startTls('mx1.world.test', TIMEOUT);
      if (!upgraded.ok) throw new Error(upgraded.detail);
      current = upgraded.connection;
      next = replies(current);
    },
    close: () => current.close(),
  };
}

describeWorld('SOCKS5 dialer through the world\'s dante', () => {
  const dialer = createSocks5Dialer(PROXY);

  it('reaches Postfix on 127.0.0.20:25 and reads its banner', async () => {
    const out = await dialer.dial(STARTTLS_ADDRESS, 25, TIMEOUT);
    if (!out.ok) throw new Error(`${out.failure}: ${out.detail}`);
    expect(out.connection.remoteAddress).toBe(STARTTLS_ADDRESS);
    const smtp = await session(out.connection);
    const banner = await smtp.banner();
    expect(banner.code).toBe(220);
    expect(classifyReply(banner, { phase: 'banner' }).outcome).toBe('accepted');
    smtp.close();
  });

  it('runs STARTTLS through the proxy and classifies the real RCPT replies', async () => {
    const out = await dialer.dial(STARTTLS_ADDRESS, 25, TIMEOUT);
    if (!out.ok) throw new Error(`${out.failure}: ${out.detail}`);
    const smtp = await session(out.connection);
    expect((await smtp.banner()).code).toBe(220);
    const ehlo = await smtp.send('EHLO prober.world.test');
    expect(ehlo.lines.map((l) => l.toUpperCase())).toContain('STARTTLS');
    expect((await smtp.send('STARTTLS')).code).toBe(220);
    await smtp.startTls();
    const secure = await smtp.send('EHLO prober.world.test');
    expect(secure.code).toBe(250);
    expect(secure.lines.map((l) => l.toUpperCase())).not.toContain('STARTTLS');
    expect((await smtp.send(`MAIL FROM:<socks-${randomUUID().slice(0, 8)}@prober.world.test>`)).code).toBe(250);
    const verdicts: Record<string, string> = {};
    for (const rcpt of ['alice@world.test', 'nobody-here@world.test', 'full@world.test', 'disabled@world.test', 'policy@world.test']) {
      verdicts[rcpt] = classifyReply(await smtp.send(`RCPT TO:<${rcpt}>`), { phase: 'rcpt' }).reason;
    }
    expect(verdicts).toEqual({
      'alice@world.test': 'accepted',
      'nobody-here@world.test': 'mailbox_not_found',
      'full@world.test': 'mailbox_full',
      'disabled@world.test': 'mailbox_disabled',
      'policy@world.test': 'blocked_by_server',
    });
    expect((await smtp.send('QUIT')).code).toBe(221);
    smtp.close();
  });

  it('classifies the greylisting and blocklist listeners\' real replies', async () => {
    const rcptVia = async (address: string, rcpt: string) => {
      const out = await dialer.dial(address, 25, TIMEOUT);
      if (!out.ok) throw new Error(`${out.failure}: ${out.detail}`);
      const smtp = await session(out.connection);
      await smtp.banner();
      await smtp.send('EHLO prober.world.test');
      await smtp.send(`MAIL FROM:<socks-${randomUUID().slice(0, 8)}@prober.world.test>`);
      const reply = await smtp.send(`RCPT TO:<${rcpt}>`);
      smtp.close();
      return classifyReply(reply, { phase: 'rcpt' });
    };
    const grey = await rcptVia(LISTENERS.find((l) => l.kind === 'greylist')!.address, 'alice@grey.test');
    expect([grey.outcome, grey.reason, grey.greylisted, grey.retry_after_s]).toEqual(['temporary', 'greylisted', true, GREYLIST_DELAY_S]);
    const blocked = await rcptVia(LISTENERS.find((l) => l.kind === 'blocklist')!.address, 'alice@blocked.test');
    expect([blocked.outcome, blocked.reason, blocked.blocked]).toEqual(['error', 'blocked_by_server', true]);
  });

  it('gets "refused" when the target refuses the proxy\'s connection', async () => {
    const out = await dialer.dial(REFUSING_ADDRESS, 25, TIMEOUT);
    expect(out.ok ? 'connected' : out.failure).toBe('refused');
  });

  it('gets a proxy error, without the password, when the credentials are wrong', async () => {
    const wrong = createSocks5Dialer(`socks5://${SOCKS5.user}:not-${SOCKS5.password}@${SOCKS5.address}:${SOCKS5.port}`);
    const out = await wrong.dial(STARTTLS_ADDRESS, 25, TIMEOUT);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.failure).toBe('proxy_error');
    expect(out.detail).not.toContain(SOCKS5.password);
  });

  it('gets a proxy error when offering no credentials to a proxy that wants them', async () => {
    const out = await createSocks5Dialer(`socks5://${SOCKS5.address}:${SOCKS5.port}`).dial(STARTTLS_ADDRESS, 25, TIMEOUT);
    expect(out.ok ? 'connected' : out.failure).toBe('proxy_error');
  });
});
