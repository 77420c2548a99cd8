/**
 * Issue 17's recipient limit and greylisting catch-all as a bulk job meets them: DoH, the job
 * runner's retries, and real Postfix behind a counting proxy on each MX address.
 */
import { expect, it } from 'vitest';
import { smtpDialogue } from '../../world/smtp-dialogue.ts';
import { GREYLIST_DELAY_S } from '../../world/world.ts';
import { startDelayProxy } from '../../support/delay-proxy.ts';
import { freshSender, listenerOf } from '../../support/world-smtp.ts';
import { runWorldJob } from '../../support/world-job.ts';
import { describeWorld } from '../../support/world-tier.ts';

describeWorld('a bulk job on real Postfix: recipient limit and a greylisting catch-all', () => {
  it('the limited domain is answered in one session with no retry; the catch-all ends risky/catch_all after the same probes pass the greylist', async () => {
    // The job dials one port on every MX address: a proxy on each listener's own address, same port.
    const grey = await startDelayProxy({ target: { host: listenerOf('greycatch.test'), port: 25 }, listen: { host: listenerOf('greycatch.test'), port: 0 } });
    const limit = await startDelayProxy({ target: { host: listenerOf('limit.test'), port: 25 }, listen: { host: listenerOf('limit.test'), port: grey.port } });
    try {
      const mailFrom = freshSender('catchall-job');
      // alice's own triplet has waited out the greylist already; bob's has not.
      const { replies } = await smtpDialogue(listenerOf('greycatch.test'), ['EHLO prober.world.test', `MAIL FROM:<${mailFrom}>`, 'RCPT TO:<alice@greycatch.test>', 'QUIT']);
      expect(replies[3]).toMatch(/^450 4\.2\.0 .*Greylisted/);
      await new Promise((r) => setTimeout(r, (GREYLIST_DELAY_S + 1) * 1000));

      const limited = ['alice', 'bob', 'nobody', 'carol', 'first.last', 'ghost.user'].map((l) => `${l}@limit.test`);
      const emails = ['alice@greycatch.test', 'bob@greycatch.test', ...limited];
      const job = await runWorldJob({
        emails,
        mailFrom,
        port: grey.port,
        // Every retry here goes at the greylist's own hint (alice's open catch-all check carries its probes'):
        // the production default delay would outlive the test. One task takes the whole limited domain
        // (more addresses than its limit), as a bigger job's would.
        runner: { retryDelayMs: 5 * 60_000, minRetryDelayMs: 0, retryBudget: 3, minTaskSize: 10 },
      });
      await Promise.all([grey.drained(), limit.drained()]);
      expect(job.report).toMatchObject({ status: 'completed', total: emails.length, done: emails.length });
      expect(job.sawWaiting).toBe(true);
      const row = (email: string) => job.items.find((i) => i.email === email);

      // limit.test: every verdict right, one task, one session, no retry; the 452s cost a second transaction only.
      for (const email of limited) {
        const unknownUser = /^(nobody|ghost)/.test(email);
        expect(row(email)).toMatchObject({ verdict: unknownUser ? 'undeliverable' : 'deliverable', reason: unknownUser ? 'mailbox_not_found' : 'accepted', retries: 0 });
      }
      expect(job.tasks.filter((t) => t.domain === 'limit.test')).toHaveLength(1);
      expect(limit.connections).toBe(1);
      expect(limit.clientLines.filter((l) => l.startsWith('RCPT TO:'))).toHaveLength(limited.length + 2);
      expect(limit.clientLines.filter((l) => l.startsWith('MAIL FROM:'))).toHaveLength(2);

      // greycatch.test: first answer alice accepted (probes greylisted: the check stays open), bob greylisted;
      // one retry each, with the very same probe addresses, which now pass: catch-all, never deliverable.
      expect(row('alice@greycatch.test')).toMatchObject({ verdict: 'risky', reason: 'catch_all', retries: 1 });
      expect(row('bob@greycatch.test')).toMatchObject({ verdict: 'risky', reason: 'catch_all', retries: 1 });
      const greyResults = job.results.filter((r) => r.domain === 'greycatch.test');
      expect(greyResults[0]!.catch_all).toMatchObject({ status: 'unknown', open: true, retry_after_s: GREYLIST_DELAY_S });
      expect(greyResults.at(-1)!.catch_all).toMatchObject({ status: 'yes' });
      const probes = grey.clientLines.filter((l) => l.startsWith('RCPT TO:') && !/<(alice|bob)@/.test(l));
      // Sent twice, the same three: greylisted, then passed; a later task of the domain takes the cached answer.
      expect(new Set(probes).size).toBe(3);
      expect(probes).toEqual([...probes.slice(0, 3), ...probes.slice(0, 3)]);
    } finally {
      await Promise.all([grey.close(), limit.close()]);
    }
  }, 60_000);
});
