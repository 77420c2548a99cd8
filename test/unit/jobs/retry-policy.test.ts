/**
 * The retry policy table, cause by cause and bound by bound, on a fake clock: every decision
 * is a due time computed from the clock's now, so the test moves the clock and reads times.
 */
import { describe, expect, it } from 'vitest';
import { RETRY_POLICY, retryDecision, type RetryState } from '../../../edge/jobs/retry-policy.ts';
import { DEFAULT_RUNNER_OPTIONS, type RunnerOptions } from '../../../edge/jobs/runner-options.ts';
import { TEMPORARY_CAUSES, temporaryCauseOf, type SmtpCheck } from '../../../protocol/index.ts';
import { FakeClock } from '../../support/fake-clock.ts';

const O: RunnerOptions = DEFAULT_RUNNER_OPTIONS;
const MIN = 60_000;
const fresh: RetryState = { retries: 0, retry_until: null, max_wait_ms: null };
const reply = (code: number, text: string) => ({ code, lines: [text] });

const GREYLISTED: SmtpCheck = { outcome: 'temporary', reason: 'greylisted', reply: reply(450, '4.2.0 Greylisted, see http://postgrey') };
const BUSY: SmtpCheck = { outcome: 'temporary', reason: 'server_closing', reply: reply(421, '4.7.0 Too many connections, slow down') };
const TARPIT: SmtpCheck = { outcome: 'error', reason: 'smtp_timeout' };
const REFUSED: SmtpCheck = { outcome: 'error', reason: 'smtp_unreachable' };

describe('retry causes', () => {
  it('reads the cause of every kind of "not now" from the reason and the reply', () => {
    const cases: [Pick<SmtpCheck, 'outcome' | 'reason' | 'reply'>, string | null][] = [
      [GREYLISTED, 'greylisted'],
      [BUSY, 'busy'],
      [{ outcome: 'temporary', reason: 'temporary_failure', reply: reply(451, '4.3.0 Local error in processing') }, 'busy'],
      [{ outcome: 'temporary', reason: 'blocked_by_server', reply: reply(450, '4.7.0 rate limited, too many connections from your IP') }, 'busy'],
      [TARPIT, 'broken'],
      [{ outcome: 'error', reason: 'server_closing' }, 'broken'], // reset: no reply at all
      [{ outcome: 'error', reason: 'smtp_protocol_error' }, 'broken'], // garbage, TLS failing
      [{ outcome: 'error', reason: 'deadline_exceeded' }, 'broken'],
      [REFUSED, 'unreachable'],
      // Waiting cannot change these.
      [{ outcome: 'rejected', reason: 'mailbox_not_found', reply: reply(550, '5.1.1 User unknown') }, null],
      [{ outcome: 'temporary', reason: 'mailbox_full', reply: reply(452, '4.2.2 Mailbox full') }, null],
      [{ outcome: 'temporary', reason: 'blocked_by_server', reply: reply(450, '4.7.1 Client host rejected: listed at spamhaus') }, 'blocked'],
      [{ outcome: 'error', reason: 'smtp_protocol_error', reply: reply(502, '5.5.2 Command not recognized') }, null],
      // Gmail's live mailbox receiving too fast, refused for good ("ReceivingRatePerm"): a 5xx, not "try later".
      [{ outcome: 'error', reason: 'temporary_failure', reply: reply(550, '5.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered') }, null],
      [{ outcome: 'accepted', reason: 'accepted', reply: reply(250, 'OK') }, null],
      [{ outcome: 'error', reason: 'mx_private_address' }, null],
    ];
    for (const [check, cause] of cases) expect(temporaryCauseOf(check), `${check.reason} ${check.reply?.code}`).toBe(cause);
  });

  it("takes the prober's cause over its own reading", () => {
    expect(temporaryCauseOf({ ...TARPIT, cause: 'busy' })).toBe('busy');
  });

  it('has one rule per cause', () => {
    expect(Object.keys(RETRY_POLICY).sort()).toEqual([...TEMPORARY_CAUSES].sort());
  });
});

describe('the policy table', () => {
  it('greylisting: retries at the hinted delay, bounded, else the default', () => {
    const clock = new FakeClock();
    const at = (hint?: number) => retryDecision({ ...GREYLISTED, ...(hint === undefined ? {} : { retry_after_s: hint }) }, fresh, clock.now(), O);
    expect(at(120)).toMatchObject({ retry: true, cause: 'greylisted', dueAt: clock.now() + 120_000 });
    expect(at()).toMatchObject({ retry: true, dueAt: clock.now() + O.retryDelayMs });
    expect(at(3)).toMatchObject({ retry: true, dueAt: clock.now() + O.minRetryDelayMs });
    // A day's hint is bounded to the maximum, which the default max_wait (15 min) then cuts off.
    expect(at(86_400)).toEqual({ retry: false, cause: 'greylisted', failure: 'retry_deadline' });
    expect(retryDecision({ ...GREYLISTED, retry_after_s: 86_400 }, { ...fresh, max_wait_ms: 3_600_000 }, clock.now(), O)).toMatchObject({ dueAt: clock.now() + O.maxRetryDelayMs });
  });

  it('greylisting: the budget ends in retry_budget_exhausted', () => {
    const clock = new FakeClock();
    const long = { max_wait_ms: 24 * 3_600_000, retry_until: null };
    expect(retryDecision(GREYLISTED, { ...long, retries: O.retryBudget - 1 }, clock.now(), O).retry).toBe(true);
    expect(retryDecision(GREYLISTED, { ...long, retries: O.retryBudget }, clock.now(), O)).toEqual({ retry: false, cause: 'greylisted', failure: 'retry_budget_exhausted' });
  });

  it('busy: backs off with growth (30 s doubling), capped, and honours a longer hint', () => {
    const clock = new FakeClock();
    const long = { max_wait_ms: 24 * 3_600_000, retry_until: null };
    const delays = [0, 1, 2, 3, 4].map((retries) => {
      const d = retryDecision(BUSY, { ...long, retries }, clock.now(), O);
      return d.retry ? d.dueAt - clock.now() : null;
    });
    expect(delays).toEqual([30_000, 60_000, 120_000, 240_000, 480_000]);
    expect(retryDecision(BUSY, { ...long, retries: 4 }, clock.now(), { ...O, retryBudget: 10, busyRetryMaxMs: 5 * MIN })).toMatchObject({ dueAt: clock.now() + 5 * MIN });
    expect(retryDecision({ ...BUSY, retry_after_s: 600 }, { ...long, retries: 0 }, clock.now(), O)).toMatchObject({ dueAt: clock.now() + 600_000 });
    expect(retryDecision(BUSY, { ...long, retries: O.retryBudget }, clock.now(), O)).toEqual({ retry: false, cause: 'busy', failure: 'retry_budget_exhausted' });
  });

  it('broken and unreachable: one retry, a minute later, then the answer keeps its own reason', async () => {
    const clock = new FakeClock();
    for (const check of [TARPIT, REFUSED]) {
      const first = retryDecision(check, fresh, clock.now(), O);
      expect(first).toMatchObject({ retry: true, dueAt: clock.now() + MIN });
      await clock.advance(MIN);
      // After one retry, of any cause, no more: the second answer stands as it is.
      expect(retryDecision(check, { ...fresh, retries: 1 }, clock.now(), O)).toEqual({ retry: false, cause: temporaryCauseOf(check), failure: null });
    }
  });

  it('blocked: a 4xx refusal of us backs off like busy and then keeps its reason; a 5xx one is final at once', () => {
    const clock = new FakeClock();
    const soft: SmtpCheck = { outcome: 'temporary', reason: 'blocked_by_server', cause: 'blocked', reply: reply(450, '4.7.1 Client host rejected: poor reputation') };
    expect(retryDecision(soft, fresh, clock.now(), O)).toMatchObject({ retry: true, cause: 'blocked', dueAt: clock.now() + 30_000 });
    expect(retryDecision(soft, { ...fresh, max_wait_ms: 24 * 3_600_000, retries: O.retryBudget }, clock.now(), O)).toEqual({ retry: false, cause: 'blocked', failure: null });
    const hard: SmtpCheck = { ...soft, outcome: 'error', reply: reply(554, '5.7.1 Service unavailable; client host blocked using zen.spamhaus.org') };
    expect(retryDecision(hard, fresh, clock.now(), O)).toEqual({ retry: false, cause: 'blocked', failure: null });
  });

  it('a final answer spends no waiting', () => {
    expect(retryDecision({ outcome: 'rejected', reason: 'mailbox_not_found' }, fresh, 0, O)).toEqual({ retry: false, cause: null, failure: null });
    expect(retryDecision({ outcome: 'temporary', reason: 'mailbox_full', reply: reply(452, '4.2.2 Mailbox full') }, fresh, 0, O)).toEqual({ retry: false, cause: null, failure: null });
  });

  it('max_wait: the cut-off is set at the first temporary answer and no retry is scheduled past it', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const first = retryDecision(GREYLISTED, { ...fresh, max_wait_ms: 10 * MIN }, start, O);
    expect(first).toEqual({ retry: true, cause: 'greylisted', dueAt: start + 5 * MIN, retryUntil: start + 10 * MIN });
    await clock.advance(5 * MIN);
    // The cut-off does not move with later answers.
    const second = retryDecision(GREYLISTED, { retries: 1, retry_until: start + 10 * MIN, max_wait_ms: 10 * MIN }, clock.now(), O);
    expect(second).toEqual({ retry: true, cause: 'greylisted', dueAt: start + 10 * MIN, retryUntil: start + 10 * MIN });
    await clock.advance(5 * MIN);
    expect(retryDecision(GREYLISTED, { retries: 2, retry_until: start + 10 * MIN, max_wait_ms: 10 * MIN }, clock.now(), O)).toEqual({ retry: false, cause: 'greylisted', failure: 'retry_deadline' });
    // max_wait=0: no retry at all; a broken server's own reason still stands.
    expect(retryDecision(GREYLISTED, { ...fresh, max_wait_ms: 0 }, clock.now(), O)).toEqual({ retry: false, cause: 'greylisted', failure: 'retry_deadline' });
    expect(retryDecision(TARPIT, { ...fresh, max_wait_ms: 0 }, clock.now(), O)).toEqual({ retry: false, cause: 'broken', failure: null });
  });
});
