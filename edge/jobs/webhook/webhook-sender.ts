import type { Kysely } from 'kysely';
import type { Clock } from '../../../protocol/index.ts';
import type { Cidr } from '../../../net/cidr.ts';
import type { Database } from '../../store/schema.ts';
import { jobReport } from '../job-status.ts';
import { parseCallbackUrl } from './callback-url.ts';
import { signWebhook, WEBHOOK_HEADERS } from './webhook-signature.ts';
import { checkWebhookTarget, type HostAddresses } from './webhook-target.ts';

export interface WebhookOptions {
  /** How often finished jobs are looked for (a cancel wakes the sender at once). */
  pollMs: number;
  /** One delivery's whole exchange. */
  timeoutMs: number;
  /** Attempts before a delivery is given up as failed. */
  maxAttempts: number;
  /** The wait after the first failure; each next wait is three times longer, up to maxRetryMs. */
  firstRetryMs: number;
  maxRetryMs: number;
  /** Deliveries claimed per look. */
  batch: number;
  /** How long a claimed delivery is another edge's to leave alone (several edges on one PostgreSQL). */
  leaseMs: number;
}

/** 6 attempts: at once, then after 10 s, 30 s, 1.5 min, 4.5 min and 13.5 min. */
export const DEFAULT_WEBHOOK_OPTIONS: WebhookOptions = { pollMs: 2000, timeoutMs: 10_000, maxAttempts: 6, firstRetryMs: 10_000, maxRetryMs: 3_600_000, batch: 10, leaseMs: 60_000 };

export function retryDelayMs(failedAttempts: number, options: WebhookOptions): number {
  return Math.min(options.maxRetryMs, options.firstRetryMs * 3 ** Math.max(0, failedAttempts - 1));
}

/**
 * The POST of one delivery, told the address the guard vetted. A fetch that resolves the host
 * again could get another answer (DNS rebinding: public when checked, 127.0.0.1 when dialed), so
 * the Node and Deno edges connect to `address` themselves (edge/adapters/pinned-fetch-node.ts,
 * pinned-fetch-deno.ts), keeping the URL's host for the Host header, SNI and the certificate check. Web fetch has no way to choose
 * the address: a runtime without a pinning fetch ignores it and keeps that window.
 */
export type WebhookFetch = (url: string, init: RequestInit, pinned: { address: string }) => Promise<Response>;

export interface WebhookSenderDeps {
  db: Kysely<Database>;
  fetch: WebhookFetch;
  clock: Clock;
  /** Resolves a callback host for the private-address guard. */
  hostAddresses: HostAddresses;
  /** BZ_ALLOW_NETS: callbacks may go there although it is private space. */
  allowNets: readonly Cidr[];
  options?: Partial<WebhookOptions>;
  onError?: (error: unknown) => void;
}

type Outcome = { delivered: true } | { delivered: false; retry: boolean; error: string };

/**
 * Delivers the completion webhook of every finished job that has one: the job report, POSTed as
 * JSON and signed (webhook-signature.ts), retried with growing waits. The queue is the jobs table
 * itself, so a delivery survives a restart, and each is claimed by a guarded update so two edges
 * sharing a store do not both send it.
 */
export class WebhookSender {
  readonly options: WebhookOptions;
  private cancelTimer: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  /** Until start(): a wake (a cancel) waits for the composition to start the sender. */
  private stopped = true;

  constructor(private readonly deps: WebhookSenderDeps) {
    this.options = { ...DEFAULT_WEBHOOK_OPTIONS, ...deps.options };
  }

  start(): void {
    this.stopped = false;
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
    await this.running;
  }

  /** Look for deliveries now (a job was cancelled or finished). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
      this.schedule();
    });
  }

  /** Resolves once the current look (if any) is over; tests await it after moving the clock. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        while ((await this.deliverDue()) > 0 && !this.stopped);
      } catch (error) {
        this.deps.onError?.(error);
      }
    } while (this.again && !this.stopped);
  }

  private schedule(): void {
    this.cancelTimer?.();
    if (this.stopped) return;
    this.cancelTimer = this.deps.clock.setTimer(() => {
      this.cancelTimer = null;
      this.wake();
    }, this.options.pollMs);
  }

  /** Claims and sends the deliveries due now; the number attempted. */
  async deliverDue(): Promise<number> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const due = await db
      .selectFrom('jobs')
      .select(['id', 'callback_due_at'])
      .where('callback_state', '=', 'pending')
      .where('callback_due_at', '<=', now)
      .where('status', 'in', ['completed', 'cancelled'])
      .orderBy('callback_due_at')
      .limit(this.options.batch)
      .execute();
    let sent = 0;
    for (const job of due) {
      const claimed = await db
        .updateTable('jobs')
        .set({ callback_due_at: now + this.options.leaseMs })
        .where('id', '=', job.id)
        .where('callback_state', '=', 'pending')
        .where('callback_due_at', '=', job.callback_due_at)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) continue;
      await this.deliver(job.id);
      sent++;
    }
    return sent;
  }

  private async deliver(id: string): Promise<void> {
    const { db, clock } = this.deps;
    const job = await db.selectFrom('jobs').select(['callback_url', 'callback_secret', 'callback_attempts']).where('id', '=', id).executeTakeFirstOrThrow();
    const outcome = await this.send(id, job.callback_url ?? '', job.callback_secret ?? '', job.callback_attempts + 1);
    const attempts = job.callback_attempts + 1;
    const now = clock.now();
    if (outcome.delivered) {
      await db.updateTable('jobs').set({ callback_state: 'delivered', callback_attempts: attempts, callback_due_at: null, callback_error: null }).where('id', '=', id).execute();
      return;
    }
    const giveUp = !outcome.retry || attempts >= this.options.maxAttempts;
    await db
      .updateTable('jobs')
      .set({
        callback_state: giveUp ? 'failed' : 'pending',
        callback_attempts: attempts,
        callback_due_at: giveUp ? null : now + retryDelayMs(attempts, this.options),
        callback_error: outcome.error.slice(0, 500),
      })
      .where('id', '=', id)
      .execute();
  }

  private async send(id: string, callbackUrl: string, secret: string, attempt: number): Promise<Outcome> {
    const { clock } = this.deps;
    const parsed = parseCallbackUrl(callbackUrl);
    if ('error' in parsed) return { delivered: false, retry: false, error: parsed.error };
    const target = await checkWebhookTarget(parsed.url, this.deps.hostAddresses, this.deps.allowNets);
    if (!target.ok) return { delivered: false, retry: target.retry, error: target.error };
    const report = await jobReport(this.deps.db, id, clock.now());
    const body = JSON.stringify({ event: 'job.finished', job: report });
    const timestamp = Math.floor(clock.now() / 1000);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'BounceZero-Webhook',
      [WEBHOOK_HEADERS.event]: 'job.finished',
      [WEBHOOK_HEADERS.delivery]: `${id}.${attempt}`,
      [WEBHOOK_HEADERS.timestamp]: String(timestamp),
      [WEBHOOK_HEADERS.signature]: await signWebhook(secret, timestamp, body),
    };
    const controller = new AbortController();
    const cancel = clock.setTimer(() => controller.abort(new Error(`no answer within ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
    try {
      // Redirects are not followed: the guard vetted this host, not wherever it points next.
      const res = await this.deps.fetch(parsed.url.href, { method: 'POST', headers, body, redirect: 'manual', signal: controller.signal }, { address: target.address });
      await res.body?.cancel().catch(() => {});
      if (res.status >= 200 && res.status < 300) return { delivered: true };
      return { delivered: false, retry: true, error: `the callback answered ${res.status || 'a redirect'}${res.status >= 300 && res.status < 400 ? ' (redirects are not followed)' : ''}` };
    } catch (error) {
      return { delivered: false, retry: true, error: `the callback could not be reached: ${error instanceof Error ? error.message : String(error)}` };
    } finally {
      cancel();
    }
  }
}
