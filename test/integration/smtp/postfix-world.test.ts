/**
 * The SMTP stage against the real Postfix listeners of the local test world (test/world/).
 * MX plans are built by hand from world.ts; DNS is another stage's business.
 */
import { expect, it } from 'vitest';
import { startDelayProxy } from '../../support/delay-proxy.ts';
import { publicAnswer } from '../../support/public-answer.ts';
import { listenerOf as listener, reasons, replyLine, worldRunner, worldTask as task } from '../../support/world-smtp.ts';
import { describeWorld } from '../../support/world-tier.ts';
import { HostLimiter } from '../../../prober/pool/host-limiter.ts';
import { systemClock, type ProbeResult } from '../../../protocol/index.ts';
import {
  AMBIGUOUS_REPLY, BLOCKLIST_REPLY, BLOCK_REPLIES, BULK, CHKUSER_TURNED, EXPECTATIONS, GATEWAY_PROBE_REFUSED, GREYLIST_DELAY_S, HARVEST_TURNED, NO_SUCH_USER_REPLIES, REFUSING_ADDRESS, SENDER_BLOCK_REPLIES, SPECIAL_RECIPIENTS, WORDLESS_DENY_REPLY, WORKSPACE_NO_SUCH_USER, bulkDomain, bulkMailbox,
  SESSION_RATE_LIMIT, SESSION_RATE_WINDOW_S,
} from '../../world/world.ts';

const expected = (email: string) => EXPECTATIONS.find((e) => e.email === email)!;
const newRunner = (port?: number) => worldRunner({ port });

describeWorld('SMTP stage against the Postfix test world', () => {
  it('world.test: accepted, unknown, full, disabled, policy — in one TLS session', async () => {
    const locals = ['alice', 'bob', 'carol', 'first.last', 'nobody', 'ghost.user', 'full', 'disabled', 'policy'];
    const result = await newRunner()(task('world.test', locals, [['mx1.world.test', listener('world.test')]]));
    for (const r of result.results) expect([r.address, r.smtp.reason]).toEqual([r.address, expected(r.address).reason]);
    expect(result.results.find((r) => r.address === 'full@world.test')!.smtp.reply).toMatchObject({ code: 552, enhanced: '5.2.2' });
    expect(result.results.find((r) => r.address === 'disabled@world.test')!.smtp.reply).toMatchObject({ code: 550, enhanced: '5.2.1' });
    const policy = result.results.find((r) => r.address === 'policy@world.test')!.smtp.reply!;
    expect(replyLine(policy)).toBe(SPECIAL_RECIPIENTS['policy@world.test']);
    expect(result.results.every((r) => r.smtp.tls === true)).toBe(true);
    expect(result.catch_all.status).toBe('no');
    // EHLO, STARTTLS, EHLO; batch 1 (MAIL + 8 RCPT); batch 2 (RSET, MAIL, 1 RCPT); QUIT. The 550s settled catch-all: no probe.
    expect(result.stats).toEqual({ connections: 1, commands: 3 + 9 + 3 + 1, round_trips: 5 });
  });

  it('catchall.test: catch_all, probed once per domain (counted through a TCP proxy too)', async () => {
    const proxy = await startDelayProxy({ target: { host: listener('catchall.test'), port: 25 } });
    try {
      const run = newRunner(proxy.port);
      const plan: [string, ...string[]][] = [['mx.catchall.test', proxy.host]];
      const firstTask = task('catchall.test', ['alice', 'anything'], plan);
      const first = await run(firstTask);
      // The SMTP answers stay what Postfix said; the catch-all answer beside them makes them risky.
      expect(Object.values(reasons(first))).toEqual(['accepted', 'accepted']);
      for (const address of ['alice@catchall.test', 'anything@catchall.test']) expect(await publicAnswer(firstTask, first, address)).toEqual({ verdict: 'risky', reason: 'catch_all' });
      expect(first.catch_all).toEqual({ status: 'yes', cached: false, mx_host: 'mx.catchall.test' });
      const secondTask = task('catchall.test', ['bob'], plan);
      const second = await run(secondTask);
      await proxy.drained();
      expect(second.results[0]!.smtp.reason).toBe('accepted');
      expect(await publicAnswer(secondTask, second, 'bob@catchall.test')).toEqual({ verdict: 'risky', reason: 'catch_all' });
      expect(second.catch_all.cached).toBe(true);
      const rcpts = proxy.clientLines.filter((l) => l.startsWith('RCPT TO:'));
      expect(rcpts).toHaveLength(2 + 3 + 1);
      expect(proxy.connections).toBe(2);
      expect(first.stats.connections + second.stats.connections).toBe(proxy.connections);
      expect(first.stats.commands + second.stats.commands).toBe(proxy.clientLines.length);
      expect(proxy.clientLines.some((l) => /^(DATA|BDAT)/i.test(l))).toBe(false);
    } finally {
      await proxy.close();
    }
  });

  it('100 addresses of one domain: one connection, pipelined batches (counted through a TCP proxy)', async () => {
    const proxy = await startDelayProxy({ target: { host: BULK.address, port: 25 } });
    try {
      const domain = bulkDomain(7);
      const locals = Array.from({ length: 100 }, (_, j) => bulkMailbox(j));
      const result = await newRunner(proxy.port)(task(domain, locals, [[BULK.host, proxy.host]]));
      await proxy.drained();
      expect(result.results.every((r) => r.smtp.reason === 'accepted')).toBe(true);
      expect(result.catch_all.status).toBe('no');
      expect(proxy.connections).toBe(1);
      expect(proxy.clientLines.filter((l) => l.startsWith('MAIL FROM'))).toHaveLength(13);
      expect(proxy.clientLines.filter((l) => l.startsWith('RCPT TO'))).toHaveLength(101);
      expect(result.stats).toEqual({ connections: 1, commands: proxy.clientLines.length, round_trips: 1 + 13 });
      // Every round trip is one write (plus QUIT, which nobody waits for).
      expect(proxy.clientChunks).toBe(result.stats.round_trips + 1);
    } finally {
      await proxy.close();
    }
  });

  it('onesession-*.test: Postfix allows one session at a time; the one it turns away teaches that, and the other domains wait for the open session', async () => {
    const proxy = await startDelayProxy({ target: { host: listener('onesession-a.test'), port: 25 } });
    try {
      const run = worldRunner({ port: proxy.port, sessionIdleMs: 1_000 });
      const domains = ['onesession-a.test', 'onesession-b.test', 'onesession-c.test'];
      const results = await Promise.all(domains.map((d) => run(task(d, ['alice', 'bob', 'nobody'], [['mx.onesession.test', proxy.host]]))));
      await proxy.drained();
      for (const r of results.flatMap((x) => x.results)) expect([r.address, r.smtp.reason]).toEqual([r.address, expected(r.address).reason]);
      // Two sessions were tried at once; Postfix's anvil turned the second away at its banner
      // (tooManyConnectionsReply: no EHLO was ever sent on it), and nothing else was dialed.
      expect(proxy.connections).toBe(2);
      expect(proxy.clientLines.filter((l) => l.startsWith('EHLO'))).toHaveLength(1);
      expect(proxy.clientLines.filter((l) => l.startsWith('MAIL FROM'))).toHaveLength(3);
    } finally {
      await proxy.close();
    }
  });

  it('ratelimit.test: Postfix’s rate limit turns a session away with none of ours open; turned away again after a lag’s wait, the sessions let in in its window teach the rate, and the task waits for the window instead of backing off', async () => {
    // Sessions of an earlier run (or of check-smtp.ts) may still be in the server's window: let it pass first.
    await new Promise((r) => setTimeout(r, SESSION_RATE_WINDOW_S * 1000));
    const proxy = await startDelayProxy({ target: { host: listener('ratelimit.test'), port: 25 } });
    try {
      // Our window as long as the world's anvil_rate_time_unit (a minute on a real server, as ours).
      const limiter = new HostLimiter(systemClock, { rateWindowMs: SESSION_RATE_WINDOW_S * 1_000 });
      const run = worldRunner({ port: proxy.port, limiter });
      const plan: [string, ...string[]][] = [['mx.ratelimit.test', proxy.host]];
      // Each task closes its session, so each needs a new one: the one past the limit is turned away.
      const results: ProbeResult[] = [];
      for (let i = 0; i <= SESSION_RATE_LIMIT; i++) results.push(await run(task('ratelimit.test', ['alice', 'nobody'], plan, { catch_all: false })));
      await proxy.drained();
      for (const result of results) expect(reasons(result)).toEqual({ 'alice@ratelimit.test': 'accepted', 'nobody@ratelimit.test': 'mailbox_not_found' });
      // The last task's session was turned away right after the one before closed: taken for the
      // server's lag in counting that one, and tried again a second later; turned away again, the
      // rate was learned, and the task had its session when the window allowed. No EHLO was sent
      // on a turned-away session; the server was never backed off.
      expect(results.map((r) => r.stats.turned_away ?? 0)).toEqual([...Array(SESSION_RATE_LIMIT).fill(0), 2]);
      expect(proxy.connections).toBe(SESSION_RATE_LIMIT + 3);
      expect(proxy.clientLines.filter((l) => l.startsWith('EHLO'))).toHaveLength(SESSION_RATE_LIMIT + 1);
      expect(limiter.inspect(proxy.host)).toMatchObject({ perWindow: SESSION_RATE_LIMIT });
      expect(limiter.inspect(proxy.host).backoffUntil).toBeLessThan(Date.now());
    } finally {
      await proxy.close();
    }
  }, 60_000);

  it('blocked.test: the blocklist listener ⇒ blocked_by_server; the probe learns nothing', async () => {
    const result = await newRunner()(task('blocked.test', ['alice'], [['mx.blocked.test', listener('blocked.test')]]));
    const smtp = result.results[0]!.smtp;
    expect(smtp.reason).toBe('blocked_by_server');
    expect(replyLine(smtp.reply)).toBe(BLOCKLIST_REPLY);
    expect(result.catch_all.status).toBe('unknown');
  });

  it.each([
    ['poorrep.test', 'Mimecast', 'us-smtp-inbound-1.poorrep.test'],
    ['ppblocked.test', 'Proofpoint', 'mx0a.pphosted.ppblocked.test'],
    ['godaddy.test', 'GoDaddy', 'smtp.secureserver.godaddy.test'],
  ])('%s: %s refuses our IP at RCPT with a code a missing mailbox could carry ⇒ blocked_by_server for every address, real or not', async (domain, _gateway, mx) => {
    const probed = task(domain, ['alice', 'nobody'], [[mx, listener(domain)]]);
    const result = await newRunner()(probed);
    for (const r of result.results) {
      expect([r.address, r.smtp.outcome, r.smtp.reason]).toEqual([r.address, 'error', 'blocked_by_server']);
      expect(replyLine(r.smtp.reply)).toBe(BLOCK_REPLIES[domain]);
      expect(await publicAnswer(probed, result, r.address)).toEqual({ verdict: 'unknown', reason: 'blocked_by_server' });
    }
    expect(result.catch_all.status).toBe('unknown');
    expect(result.stats.provider_backoffs).toEqual([domain]);
  });

  it('eximverify.test: Exim’s long-form sender callout failure (“Unrouteable address”, ours) is a block for every address, never a missing mailbox', async () => {
    const probed = task('eximverify.test', ['alice', 'nobody'], [['mx.eximverify.test', listener('eximverify.test')]], { catch_all: false });
    const result = await newRunner()(probed);
    for (const r of result.results) {
      expect([r.address, r.smtp.outcome, r.smtp.reason]).toEqual([r.address, 'error', 'blocked_by_server']);
      expect(replyLine(r.smtp.reply)).toBe(BLOCK_REPLIES['eximverify.test']);
      expect(await publicAnswer(probed, result, r.address)).toEqual({ verdict: 'unknown', reason: 'blocked_by_server' });
    }
  });

  it('mcrelay.test: Mimecast’s “451 Open relay not allowed” from every MX is a refusal of us for now, not a domain that takes no mail', async () => {
    const result = await newRunner()(task('mcrelay.test', ['alice', 'nobody'], [['eu-smtp-inbound-2.mcrelay.test', listener('mcrelay.test')]], { catch_all: false }));
    for (const r of result.results) {
      expect([r.address, r.smtp.outcome, r.smtp.reason]).toEqual([r.address, 'temporary', 'blocked_by_server']);
      expect(replyLine(r.smtp.reply)).toBe(BLOCK_REPLIES['mcrelay.test']);
    }
  });

  it.each([
    ['eop.test', 'Microsoft'],
    ['ymail.test', 'Yahoo'],
  ])('%s: %s refuses our IP at MAIL FROM ⇒ blocked_by_server for every address, one session, and its provider is backed off', async (domain) => {
    const proxy = await startDelayProxy({ target: { host: listener(domain), port: 25 } });
    try {
      const run = newRunner(proxy.port);
      const plan: [string, ...string[]][] = [[`mx.${domain}`, proxy.host]];
      const result = await run(task(domain, ['alice', 'nobody', 'bob'], plan));
      for (const r of result.results) {
        expect([r.address, r.smtp.outcome, r.smtp.reason]).toEqual([r.address, 'error', 'blocked_by_server']);
        expect(replyLine(r.smtp.reply)).toBe(SENDER_BLOCK_REPLIES[listener(domain)]);
        expect(await publicAnswer(task(domain, ['alice', 'nobody', 'bob'], plan), result, r.address)).toEqual({ verdict: 'unknown', reason: 'blocked_by_server' });
      }
      expect(result.catch_all.status).toBe('unknown');
      expect(result.stats.provider_backoffs).toEqual([domain]);
      // Another domain the same provider hosts is not dialled while the back-off lasts: left for later, unasked.
      const later = await run(task(`tenant.${domain}`, ['carol'], plan));
      await proxy.drained();
      expect(later.results[0]!.smtp).toMatchObject({ outcome: 'temporary', reason: 'blocked_by_server' });
      expect(later.stats).toMatchObject({ connections: 0, backed_off: 1 });
      expect(proxy.connections).toBe(1);
      expect(proxy.clientLines.filter((l) => l.startsWith('MAIL FROM'))).toHaveLength(1);
      // The RCPTs (3 addresses and the first catch-all probe) went pipelined behind that MAIL FROM,
      // before its refusal was read: their "503 need MAIL command" replies were not taken for
      // answers (above), and the other two probes never followed.
      expect(proxy.clientLines.filter((l) => l.startsWith('RCPT TO'))).toHaveLength(3 + 1);
    } finally {
      await proxy.close();
    }
  });

  it('workspace.test: Google Workspace’s multi-line replies through a real Postfix, each kept whole and read by its words', async () => {
    const locals = ['alice', 'nobody', 'disabled', 'full'];
    const result = await newRunner()(task('workspace.test', locals, [['aspmx.workspace.test', listener('workspace.test')]]));
    expect(reasons(result)).toEqual({
      'alice@workspace.test': 'accepted',
      'nobody@workspace.test': 'mailbox_not_found',
      'disabled@workspace.test': 'mailbox_disabled',
      'full@workspace.test': 'mailbox_full',
    });
    const reply = (local: string) => result.results.find((r) => r.address === `${local}@workspace.test`)!.smtp.reply!;
    expect(reply('nobody')).toMatchObject({ code: 550, enhanced: '5.1.1' });
    // The server's own lines, every one of them, as sent: the continuation marks are the parser's business.
    expect(reply('nobody').lines).toHaveLength(WORKSPACE_NO_SUCH_USER.split('\n').length);
    expect(reply('nobody').lines.at(-1)).toContain('https://support.google.com/mail/?p=NoSuchUser');
    expect(reply('full')).toMatchObject({ code: 552, enhanced: '5.2.2' });
    // The three probes got the same "no such user": no catch-all.
    expect(result.catch_all.status).toBe('no');
  });

  it.each([
    ['mimecast.test', 'eu-smtp-inbound-1.mimecast.test'],
    ['proofpoint.test', 'mx0a.pphosted.proofpoint.test'],
    ['barracuda.test', 'd1.barracuda.test'],
    ['yahoo.test', 'mta5.am0.yahoodns.test'],
    ['icloud.test', 'mx01.mail.icloud.test'],
    ['webde.test', 'mx-ha03.web.webde.test'],
    ['m365.test', 'm365-test.mail.protection.o365.test'],
    ['qq.test', 'mx1.qq.test'],
    ['comcast.test', 'mx1a1.comcast.test'],
  ])('%s: a gateway’s or provider’s own words for an unknown user read as mailbox_not_found, whatever its code says', async (domain, host) => {
    const result = await newRunner()(task(domain, ['alice', 'nobody'], [[host, listener(domain)]]));
    expect(reasons(result)).toEqual({ [`alice@${domain}`]: 'accepted', [`nobody@${domain}`]: 'mailbox_not_found' });
    const nobody = result.results.find((r) => r.address === `nobody@${domain}`)!.smtp;
    expect(replyLine(nobody.reply)).toBe(NO_SUCH_USER_REPLIES[domain]!(`nobody@${domain}`));
    // Read by its words, no control recipient was needed; the probes got the same answer: no catch-all.
    expect(nobody.control).toBeUndefined();
    expect(result.catch_all.status).toBe('no');
  });

  it.each([
    ['disabled@yahoo.test', 'mta5.am0.yahoodns.test'],
    ['full@webde.test', 'mx-ha03.web.webde.test'],
    ['picky@qq.test', 'mx1.qq.test'],
    ['busy@workspace.test', 'aspmx.workspace.test'],
    ['busy@m365.test', 'm365-test.mail.protection.o365.test'],
    ['full@comcast.test', 'mx1a1.comcast.test'],
  ])('%s: read by its words, not its code (Yahoo’s 554 says disabled; web.de’s 550 and Comcast’s 552 5.1.1 say full: risky; QQ’s 550 says the mailbox’s own filter refused us, Gmail’s 550 5.2.1 and Exchange’s 554 5.2.122 that a live mailbox receives too fast: unknown; never undeliverable)', async (address, host) => {
    const [local, domain] = address.split('@') as [string, string];
    const probed = task(domain, [local], [[host, listener(domain)]], { catch_all: false });
    const result = await newRunner()(probed);
    const { smtp } = result.results[0]!;
    expect(replyLine(smtp.reply)).toBe(SPECIAL_RECIPIENTS[address as keyof typeof SPECIAL_RECIPIENTS]);
    const { verdict, reason } = expected(address);
    expect(await publicAnswer(probed, result, address)).toEqual({ verdict, reason });
  });

  it.each([
    ['outlook.test', { 'alice@outlook.test': 'accepted', 'nobody@outlook.test': 'mailbox_not_found', 'ghost@outlook.test': 'mailbox_not_found' }, 'no'],
    ['shunned.test', { 'alice@shunned.test': 'blocked_by_server', 'nobody@shunned.test': 'blocked_by_server', 'ghost@shunned.test': 'blocked_by_server' }, 'unknown'],
  ] as const)('%s: Outlook.com’s generic refusal is settled by the control recipient, asked once in the session', async (domain, expected, catchAll) => {
    const proxy = await startDelayProxy({ target: { host: listener(domain), port: 25 } });
    try {
      const result = await newRunner(proxy.port)(task(domain, ['alice', 'nobody', 'ghost'], [[`mx.${domain}`, proxy.host]]));
      await proxy.drained();
      expect(reasons(result)).toEqual(expected);
      for (const r of result.results.filter((x) => x.smtp.reason !== 'accepted')) {
        expect(replyLine(r.smtp.reply)).toBe(AMBIGUOUS_REPLY);
        expect(r.smtp.control).toMatchObject({ address: `postmaster@${domain}`, reply: { code: domain === 'outlook.test' ? 250 : 550 } });
      }
      expect(result.catch_all.status).toBe(catchAll);
      expect(proxy.connections).toBe(1);
      expect(proxy.clientLines.filter((l) => l === `RCPT TO:<postmaster@${domain}>`)).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });

  it('exempt.test: a wordless deny that spares only postmaster@ (Exim’s default ACL order) leaves every address unknown, the live one too', async () => {
    const proxy = await startDelayProxy({ target: { host: listener('exempt.test'), port: 25 } });
    try {
      const result = await newRunner(proxy.port)(task('exempt.test', ['alice', 'nobody', 'ghost'], [['mx.exempt.test', proxy.host]]));
      await proxy.drained();
      expect(reasons(result)).toEqual({ 'alice@exempt.test': 'ambiguous_refusal', 'nobody@exempt.test': 'ambiguous_refusal', 'ghost@exempt.test': 'ambiguous_refusal' });
      for (const r of result.results) {
        expect(replyLine(r.smtp.reply)).toBe(WORDLESS_DENY_REPLY);
        expect(r.smtp.control).toMatchObject({ address: 'postmaster@exempt.test', reply: { code: 250 } });
      }
      expect(result.catch_all.status).not.toBe('no');
      expect(proxy.connections).toBe(1);
      expect(proxy.clientLines.filter((l) => l === 'RCPT TO:<postmaster@exempt.test>')).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });

  it('qmail.test: chkuser refuses every RCPT of a session past its limit of unknown ones, live mailboxes too; they are answered in a fresh session that stops short of it', async () => {
    const proxy = await startDelayProxy({ target: { host: listener('qmail.test'), port: 25 } });
    try {
      const locals = ['ghost1', 'ghost2', 'ghost3', 'alice', 'ghost4', 'bob', 'ghost5', 'carol'];
      const result = await newRunner(proxy.port)(task('qmail.test', locals, [['mx.qmail.test', proxy.host]], { catch_all: false }));
      await proxy.drained();
      expect(reasons(result)).toEqual(Object.fromEntries(locals.map((l) => [`${l}@qmail.test`, l.startsWith('ghost') ? 'mailbox_not_found' : 'accepted'])));
      expect(proxy.connections).toBe(2);
      // Eight RCPTs in the session that turned (five of them refused as CHKUSER_TURNED), then the five unanswered in two transactions of three and two.
      expect(proxy.clientLines.filter((l) => l.startsWith('RCPT TO:'))).toHaveLength(13);
      expect(result.results.some((r) => replyLine(r.smtp.reply) === CHKUSER_TURNED)).toBe(false);
    } finally {
      await proxy.close();
    }
  });

  it('harvest.test: a harvest guard’s refusal of live mailboxes is a turn on us, not their absence, though postmaster@ and alice were taken', async () => {
    const proxy = await startDelayProxy({ target: { host: listener('harvest.test'), port: 25 } });
    try {
      const locals = ['ghost1', 'alice', 'ghost2', 'ghost3', 'bob', 'carol'];
      const result = await newRunner(proxy.port)(task('harvest.test', locals, [['mx.harvest.test', proxy.host]], { catch_all: false }));
      await proxy.drained();
      expect(reasons(result)).toEqual(Object.fromEntries(locals.map((l) => [`${l}@harvest.test`, l.startsWith('ghost') ? 'mailbox_not_found' : 'accepted'])));
      // bob and carol were refused as HARVEST_TURNED in the first session and taken in the second.
      expect(proxy.connections).toBe(2);
      expect(proxy.clientLines.filter((l) => l === 'RCPT TO:<bob@harvest.test>')).toHaveLength(2);
      expect(result.results.some((r) => replyLine(r.smtp.reply) === HARVEST_TURNED)).toBe(false);
    } finally {
      await proxy.close();
    }
  });

  it('gwverify.test: a gateway’s quoted backend verdict under Postfix’s default 450 is the answer, at once; gwblind.test: its backend’s refusal of the gateway’s probe is no verdict', async () => {
    const runner = newRunner();
    const verified = await runner(task('gwverify.test', ['alice', 'nobody'], [['mx.gwverify.test', listener('gwverify.test')]]));
    expect(reasons(verified)).toEqual({ 'alice@gwverify.test': 'accepted', 'nobody@gwverify.test': 'mailbox_not_found' });
    expect(replyLine(verified.results.find((r) => r.address === 'nobody@gwverify.test')!.smtp.reply)).toMatch(/^450 4\.1\.1 .*unverified address: host .* said: 550 5\.1\.1 /);
    expect(verified.catch_all.status).toBe('no');
    const blind = await runner(task('gwblind.test', ['alice', 'nobody'], [['mx.gwblind.test', listener('gwblind.test')]]));
    for (const r of blind.results) {
      expect(r.smtp).toMatchObject({ outcome: 'error', reason: 'temporary_failure' });
      expect(replyLine(r.smtp.reply)).toContain(`said: ${GATEWAY_PROBE_REFUSED}`);
    }
  });

  it('nopipe.test: works without PIPELINING, one round trip per command', async () => {
    const result = await newRunner()(task('nopipe.test', ['alice', 'nobody'], [['mx.nopipe.test', listener('nopipe.test')]]));
    expect(reasons(result)).toEqual({ 'alice@nopipe.test': 'accepted', 'nobody@nopipe.test': 'mailbox_not_found' });
    expect(result.stats).toEqual({ connections: 1, commands: 5, round_trips: 4 });
    const piped = await newRunner()(task('implicit.test', ['alice', 'nobody'], [['implicit.test', listener('implicit.test')]]));
    // Pipelined, the first catch-all probe rides in the same write: one more command, no more round
    // trips (refused, it settles the question; the other two are not sent).
    expect(piped.stats).toEqual({ connections: 1, commands: 6, round_trips: 2 });
  });

  it('failover.test: the refusing primary is skipped, the backup answers', async () => {
    const result = await newRunner()(
      task('failover.test', ['alice', 'nobody'], [['mx1.failover.test', REFUSING_ADDRESS], ['mx2.failover.test', listener('failover.test')]]),
    );
    expect(reasons(result)).toEqual({ 'alice@failover.test': 'accepted', 'nobody@failover.test': 'mailbox_not_found' });
    expect(result.results[0]!.smtp).toMatchObject({ mx_host: 'mx2.failover.test', mx_address: listener('failover.test') });
    expect(result.stats.connections).toBe(1);
    const dead = await newRunner()(task('failover.test', ['alice'], [['mx1.failover.test', REFUSING_ADDRESS]]));
    expect(dead.results[0]!.smtp.reason).toBe('smtp_unreachable');
  });

  it('grey.test: greylisted first with a retry hint, accepted after the delay', async () => {
    const run = newRunner();
    const plan: [string, ...string[]][] = [['mx.grey.test', listener('grey.test')]];
    const first = await run(task('grey.test', ['alice', 'nobody'], plan));
    expect(first.results.map((r) => [r.smtp.outcome, r.smtp.reason])).toEqual([['temporary', 'greylisted'], ['rejected', 'mailbox_not_found']]);
    expect(first.results[0]!.smtp.retry_after_s).toBe(GREYLIST_DELAY_S);
    await new Promise((r) => setTimeout(r, (first.results[0]!.smtp.retry_after_s! + 1) * 1000));
    const retry = await run(task('grey.test', ['alice'], plan));
    expect(retry.results[0]!.smtp).toMatchObject({ outcome: 'accepted', reason: 'accepted' });
  });
});
