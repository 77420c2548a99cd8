/**
 * Verdicts that hold on the real internet (issue 17), against real Postfix in the test world:
 * `smtpd_recipient_limit`, a HELO restriction, a greylisting catch-all and a server that answers
 * RCPT only after a (scaled-down) callout. Proven by counts on the wire, through a counting
 * proxy in front of each listener, never by timings.
 */
import { expect, it } from 'vitest';
import type { ProbeResult, ProbeTask } from '../../../protocol/index.ts';
import { publicAnswer } from '../../support/public-answer.ts';
import { startDelayProxy, type DelayProxy } from '../../support/delay-proxy.ts';
import { freshSender, listenerOf, reasons, replyLine, worldRunner, worldTask } from '../../support/world-smtp.ts';
import { describeWorld } from '../../support/world-tier.ts';
import { CALLOUT_DOMAIN, GREYLIST_DELAY_S, RECIPIENT_LIMIT, heloRejectReply } from '../../world/world.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function withProxy<T>(domain: string, fn: (proxy: DelayProxy) => Promise<T>, rcptReplyDelayMs?: number): Promise<T> {
  const proxy = await startDelayProxy({ target: { host: listenerOf(domain), port: 25 }, rcptReplyDelayMs });
  try {
    return await fn(proxy);
  } finally {
    await proxy.close();
  }
}

const sent = (proxy: DelayProxy, verb: string) => proxy.clientLines.filter((l) => l.toUpperCase().startsWith(verb));
const verdictOf = async (task: ProbeTask, result: ProbeResult, address: string) => {
  const { verdict, reason } = await publicAnswer(task, result, address);
  return [verdict, reason];
};

describeWorld('verdicts that hold on real Postfix', () => {
  it(`smtpd_recipient_limit = ${RECIPIENT_LIMIT}: a new transaction in the same session after "452 4.5.3", no retry needed`, async () => {
    await withProxy('limit.test', async (proxy) => {
      const locals = ['alice', 'bob', 'nobody', 'carol', 'first.last', 'ghost.user'];
      const run = worldRunner({ port: proxy.port });
      const result = await run(worldTask('limit.test', locals, [['mx.limit.test', proxy.host]]));
      await proxy.drained();
      expect(reasons(result)).toEqual({
        'alice@limit.test': 'accepted', 'bob@limit.test': 'accepted', 'nobody@limit.test': 'mailbox_not_found',
        'carol@limit.test': 'accepted', 'first.last@limit.test': 'accepted', 'ghost.user@limit.test': 'mailbox_not_found',
      });
      // Nothing is left for a retry: no address has a temporary outcome.
      expect(result.results.filter((r) => r.smtp.outcome === 'temporary')).toEqual([]);
      // One session. Postfix counts only accepted recipients: the 5th and 6th RCPT of the first
      // transaction get 452, and are sent again (RSET, MAIL FROM) in a second one.
      expect(proxy.connections).toBe(1);
      expect(sent(proxy, 'RCPT TO:')).toHaveLength(locals.length + 2);
      expect(sent(proxy, 'MAIL FROM:')).toHaveLength(2);
      expect(sent(proxy, 'RSET')).toHaveLength(1);
      // The catch-all question was settled by the 550s: no probe went out.
      expect(result.catch_all.status).toBe('no');

      // The host's batch shrinks to what it saw fit (4 RCPTs, one refused: Postfix counts only accepted
      // ones, so four accepted still meet one 452), then to the limit itself: the third task sees no 452.
      const counted = async (id: string) => {
        const before = sent(proxy, 'RCPT TO:').length;
        const next = await run(worldTask('limit.test', ['alice', 'bob', 'carol', 'first.last'], [['mx.limit.test', proxy.host]], { id, catch_all: false }));
        await proxy.drained();
        expect(Object.values(reasons(next))).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
        return sent(proxy, 'RCPT TO:').length - before;
      };
      expect(await counted('it-limit-2')).toBe(4 + 1);
      expect(await counted('it-limit-3')).toBe(4);
      expect(proxy.connections).toBe(3);
    });
  });

  it('a HELO restriction: a short HELO name is blocked_by_server naming the HELO; a fully-qualified one gets the answers', async () => {
    await withProxy('helo.test', async (proxy) => {
      const plan: [string, ...string[]][] = [['mx.helo.test', proxy.host]];
      const shortTask = worldTask('helo.test', ['alice', 'nobody'], plan);
      const short = await worldRunner({ port: proxy.port, heloName: 'prober' })(shortTask);
      for (const r of short.results) {
        expect([r.address, r.smtp.outcome, r.smtp.reason, r.smtp.cause]).toEqual([r.address, 'error', 'blocked_by_server', 'blocked']);
        expect(r.smtp.detail).toMatch(/HELO/i);
        expect(r.smtp.detail).toContain('"prober"');
        expect(replyLine(r.smtp.reply)).toBe(heloRejectReply('prober'));
      }
      expect(await verdictOf(shortTask, short, 'nobody@helo.test')).toEqual(['unknown', 'blocked_by_server']);
      // A refusal of us settles nothing about the domain.
      expect(short.catch_all.status).toBe('unknown');

      const fqdn = await worldRunner({ port: proxy.port, heloName: 'prober.world.test' })(worldTask('helo.test', ['alice', 'nobody'], plan, { id: 'it-helo-2' }));
      expect(reasons(fqdn)).toEqual({ 'alice@helo.test': 'accepted', 'nobody@helo.test': 'mailbox_not_found' });
      await proxy.drained();
      expect(proxy.connections).toBe(2);
    });
  });

  it('a greylisting catch-all: the open check is no checked deliverable, and the retry sends the same probes and gets the catch-all answer', async () => {
    await withProxy('greycatch.test', async (proxy) => {
      const run = worldRunner({ port: proxy.port, mailFrom: freshSender('greycatch') });
      const plan: [string, ...string[]][] = [['mx.greycatch.test', proxy.host]];
      const wait = () => sleep((GREYLIST_DELAY_S + 1) * 1000);
      // alice's own triplet meets the greylist first (no probes), so that later only the probes are new.
      const first = await run(worldTask('greycatch.test', ['alice'], plan, { catch_all: false }));
      expect(first.results[0]!.smtp).toMatchObject({ outcome: 'temporary', reason: 'greylisted', retry_after_s: GREYLIST_DELAY_S });
      await wait();

      const openTask = worldTask('greycatch.test', ['alice'], plan, { id: 'it-greycatch-2' });
      const open = await run(openTask);
      expect(open.results[0]!.smtp).toMatchObject({ outcome: 'accepted', reason: 'accepted' });
      // The probes' greylist hint goes with the open check: a job asks again when postgrey said.
      expect(open.catch_all).toMatchObject({ status: 'unknown', open: true, retry_after_s: GREYLIST_DELAY_S });
      expect(await verdictOf(openTask, open, 'alice@greycatch.test')).toEqual(['risky', 'catch_all_pending']);
      await proxy.drained();
      const probesBefore = sent(proxy, 'RCPT TO:').filter((l) => !l.includes('<alice@'));
      expect(probesBefore).toHaveLength(3);
      await wait();

      const closedTask = worldTask('greycatch.test', ['alice'], plan, { id: 'it-greycatch-3' });
      const closed = await run(closedTask);
      expect(closed.catch_all).toMatchObject({ status: 'yes' });
      expect(closed.results[0]!.smtp.reason).toBe('accepted');
      expect(await verdictOf(closedTask, closed, 'alice@greycatch.test')).toEqual(['risky', 'catch_all']);
      await proxy.drained();
      const probes = sent(proxy, 'RCPT TO:').filter((l) => !l.includes('<alice@'));
      // The same three probe addresses twice: that is how the second try passed the greylist.
      expect(probes).toEqual([...probesBefore, ...probesBefore]);
      expect(new Set(probes).size).toBe(3);
      expect(proxy.connections).toBe(3);
    });
  });

  it('slow is not dead: RCPT answered after a callout longer than the command timeout but within the RCPT timeout', async () => {
    // Scaled down from Exim's 20–30 s callout against a 15 s command timeout: the delay is twice the
    // command timeout (which RCPT used to share) and a third of the RCPT timeout.
    const calloutMs = 3_000;
    const timeouts = { commandMs: calloutMs / 2, bannerMs: calloutMs, rcptMs: calloutMs * 3 };
    await withProxy(CALLOUT_DOMAIN, async (proxy) => {
      const plan: [string, ...string[]][] = [['mx.callout.test', proxy.host]];
      const locals = ['alice', 'nobody'];
      const slow = await worldRunner({ port: proxy.port, timeouts })(worldTask(CALLOUT_DOMAIN, locals, plan));
      expect(reasons(slow)).toEqual({ 'alice@callout.test': 'accepted', 'nobody@callout.test': 'mailbox_not_found' });
      expect(slow.results.every((r) => r.smtp.reason !== 'smtp_timeout')).toBe(true);
      await proxy.drained();
      expect(proxy.connections).toBe(1);

      // The same server with an RCPT timeout shorter than its callout is (rightly) a timeout: the delay is real.
      const impatient = await worldRunner({ port: proxy.port, timeouts: { ...timeouts, rcptMs: calloutMs / 3 } })(
        worldTask(CALLOUT_DOMAIN, locals, plan, { id: 'it-callout-2' }),
      );
      expect(impatient.results.map((r) => r.smtp.reason)).toEqual(['smtp_timeout', 'smtp_timeout']);
    }, calloutMs);
  });
});
