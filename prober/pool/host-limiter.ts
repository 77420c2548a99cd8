import { BUSY_BACKOFF, growingDelayMs, type Clock } from '../../protocol/index.ts';

export interface HostLimits {
  /** Sessions open at once to one MX address. */
  maxConcurrent: number;
  /** New sessions to one MX address in any `rateWindowMs`. */
  maxPerMinute: number;
  /** The span `maxPerMinute` counts over: a minute, as Postfix's anvil_rate_time_unit (a test world may count over less). */
  rateWindowMs: number;
  /** First back-off after a 421 or "too many connections"; doubles on each further one. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Hosts remembered; idle ones are forgotten first. */
  maxHosts: number;
}

export const DEFAULT_HOST_LIMITS: HostLimits = {
  maxConcurrent: 2,
  maxPerMinute: 30,
  rateWindowMs: 60_000,
  backoffBaseMs: BUSY_BACKOFF.baseMs,
  backoffMaxMs: BUSY_BACKOFF.maxMs,
  maxHosts: 10_000,
};

/**
 * A slot: a fresh one, or one held by an open session left for the next task (`parked`). A fresh
 * one's `answered` says the server has answered its session (the banner, or EHLO after it).
 */
export type HostSlot = { ok: true; release: () => void; parked?: unknown; answered?: () => void } | { ok: false; reason: 'deadline' | 'aborted' };

interface Parked {
  session: unknown;
  release: () => void;
  cancelIdle: () => void;
}

/** A limit a server taught us, kept to until `until`. */
interface Learned {
  value: number;
  until: number;
}

const NOT_LEARNED: Learned = { value: 0, until: 0 };

/** The learned limit while it holds (never above our own), else our own. */
const keptTo = (learned: Learned, own: number, now: number): number => (learned.until > now ? Math.min(learned.value, own) : own);

interface HostState {
  active: number;
  /**
   * Sessions begun in the window (windowOf), oldest first: which ones the server turned away, and
   * which of those were taken for its lag in counting a closed one (turnedAway). A session's `at`
   * is when the server answered it, once it has: the server counted it no later than that.
   */
  starts: { at: number; turnedAway: boolean; lag: boolean }[];
  strikes: number;
  backoffUntil: number;
  wakers: Set<() => void>;
  /** Open sessions between tasks; each still holds its slot in `active`. */
  parked: Parked[];
  /** Sessions at once the server turned us down beyond (turnedAway). */
  cap: Learned;
  /** New sessions a window the server turned us down beyond (turnedAway). */
  rate: Learned;
  /** When a session of ours there last gave its slot back. */
  releasedAt: number;
}

const MINUTE = 60_000;
/** How long a server's own limit on our sessions at once is kept to. */
export const LEARNED_CAP_MS = 60 * MINUTE;
/**
 * How long a server's own limit on our new sessions is kept to. Shorter than LEARNED_CAP_MS: a
 * server that was only busy for a moment turns sessions away in the same words, and should not
 * slow us for an hour; a standing limit costs one more turn-away each time it is learned again.
 */
export const LEARNED_RATE_MS = 10 * MINUTE;
/**
 * Waited beyond a learned limit's window: a server counts its window in whole seconds (Postfix's
 * anvil starts a new one only once a full second past it has begun). Counted from when the server
 * answered the window's first session, not from our dial, as it may count that one a while after
 * the dial (a new smtpd process on a loaded host): a second past that is past its window.
 */
const WHOLE_SECOND_MS = 1_000;
/** How long a server may go on counting a session of ours that we have closed. */
export const CLOSE_LAG_MS = 1_000;

/**
 * Politeness per MX address, shared by every task of the prober process: a cap on concurrent
 * sessions, on new sessions per minute, and an exponential back-off when a host says it is busy.
 * A session that finished one task's work may be parked here for the next task to the same
 * address (another domain on that server): it keeps its slot, and a waiting task takes it
 * before any new session is counted, so one session serves many domains.
 */
export class HostLimiter {
  private readonly hosts = new Map<string, HostState>();
  readonly limits: HostLimits;

  constructor(private readonly clock: Clock, limits: Partial<HostLimits> = {}) {
    this.limits = { ...DEFAULT_HOST_LIMITS, ...limits };
  }

  /** Waits for a session slot; gives up at once when the wait could not end before `deadlineAt`. */
  async acquire(address: string, deadlineAt: number, signal?: AbortSignal): Promise<HostSlot> {
    const host = this.state(address);
    for (;;) {
      if (signal?.aborted) return { ok: false, reason: 'aborted' };
      const parked = host.parked.pop();
      if (parked) {
        parked.cancelIdle();
        return { ok: true, release: parked.release, parked: parked.session };
      }
      const now = this.clock.now();
      const starts = this.startsInWindow(host, now);
      const rateFreeAt = starts.length >= this.rateOf(host, now) ? starts[0]!.at + this.windowOf(host, now) : now;
      const readyAt = Math.max(host.backoffUntil, rateFreeAt);
      if (readyAt > deadlineAt) return { ok: false, reason: 'deadline' };
      if (readyAt <= now && host.active < this.concurrencyOf(host, now)) {
        host.active++;
        const start = { at: now, turnedAway: false, lag: false };
        host.starts.push(start);
        return { ok: true, release: this.releaser(host), answered: () => void (start.at = Math.max(start.at, this.clock.now())) };
      }
      await this.wait(host, readyAt > now ? readyAt - now : undefined, signal);
    }
  }

  /**
   * Leaves an open session, with the slot it holds, for the next task to `address`; after
   * `idleMs` unclaimed (or at once while the host is backed off) `retire` closes it and must
   * call `release`.
   */
  park(address: string, session: unknown, release: () => void, idleMs: number, retire: () => void): void {
    const host = this.state(address);
    if (host.backoffUntil > this.clock.now()) return retire();
    const entry: Parked = {
      session,
      release,
      cancelIdle: this.clock.setTimer(() => {
        host.parked = host.parked.filter((p) => p !== entry);
        retire();
      }, idleMs),
    };
    host.parked.push(entry);
    for (const wake of host.wakers) wake();
  }

  /** A 421 or "too many connections": stay away, longer each time. */
  backOff(address: string): void {
    const host = this.state(address);
    const delay = growingDelayMs(host.strikes, { baseMs: this.limits.backoffBaseMs, maxMs: this.limits.backoffMaxMs });
    host.strikes++;
    host.backoffUntil = Math.max(host.backoffUntil, this.clock.now() + delay);
  }

  /**
   * The server turned a new session away at its banner (a 421, "too many connections"). With
   * sessions of ours still open there, that is its limit on how many we may hold at once: we keep
   * to the ones open for LEARNED_CAP_MS, and the task may wait for one of them (true). With none
   * open, but one closed within CLOSE_LAG_MS before this one began, the server may still be
   * counting the closed one: the task may try again once CLOSE_LAG_MS has passed (true) — once;
   * turned away again right after, it is not that. Otherwise, with sessions of ours let in within
   * the window, it is a limit on new sessions (Postfix's smtpd_client_connection_rate_limit,
   * worded as its limit on sessions at once): we begin no more than those in a window for
   * LEARNED_RATE_MS, and the task waits for the window (true). With none let in, the server is
   * busy or blocks us, which only a back-off answers (false). Asked while the turned-away session
   * still holds its slot, so a task woken by its release is not counted.
   */
  turnedAway(address: string): boolean {
    const host = this.state(address);
    const now = this.clock.now();
    // The turned-away session is the last of the starts: the server counts it too.
    const begun = this.startsInWindow(host, now);
    const self = begun.at(-1);
    const previous = begun.at(-2);
    if (self) self.turnedAway = true;
    const others = host.active - 1;
    if (others > 0) {
      host.cap = { value: others, until: now + LEARNED_CAP_MS };
      return true;
    }
    if (self && !previous?.lag && self.at - host.releasedAt < CLOSE_LAG_MS) {
      self.lag = true;
      host.backoffUntil = Math.max(host.backoffUntil, now + CLOSE_LAG_MS);
      return true;
    }
    const letIn = begun.filter((s) => !s.turnedAway).length;
    if (letIn < 1) return false;
    host.rate = { value: letIn, until: now + LEARNED_RATE_MS };
    return true;
  }

  /** A session that ended well forgives earlier strikes. */
  recovered(address: string): void {
    const host = this.hosts.get(address);
    if (host) host.strikes = 0;
  }

  /** For tests and metrics. */
  inspect(address: string): { active: number; parked: number; backoffUntil: number; startsInWindow: number; concurrency: number; perWindow: number } {
    const host = this.hosts.get(address);
    const now = this.clock.now();
    return {
      active: host?.active ?? 0, parked: host?.parked.length ?? 0, backoffUntil: host?.backoffUntil ?? 0, startsInWindow: host?.starts.length ?? 0,
      concurrency: host ? this.concurrencyOf(host, now) : this.limits.maxConcurrent,
      perWindow: host ? this.rateOf(host, now) : this.limits.maxPerMinute,
    };
  }

  private concurrencyOf(host: HostState, now: number): number {
    return keptTo(host.cap, this.limits.maxConcurrent, now);
  }

  private rateOf(host: HostState, now: number): number {
    return keptTo(host.rate, this.limits.maxPerMinute, now);
  }

  /** The span new sessions are counted over: ours, or a second more for a server's learned one (WHOLE_SECOND_MS). */
  private windowOf(host: HostState, now: number): number {
    return this.limits.rateWindowMs + (host.rate.until > now ? WHOLE_SECOND_MS : 0);
  }

  /**
   * The host's session starts within the window, older ones dropped. A start moved later by its
   * answer may stand before an earlier one: it holds that one a little longer, never less.
   */
  private startsInWindow(host: HostState, now: number): HostState['starts'] {
    const windowMs = this.windowOf(host, now);
    while (host.starts.length > 0 && host.starts[0]!.at <= now - windowMs) host.starts.shift();
    return host.starts;
  }

  private releaser(host: HostState): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      host.active--;
      host.releasedAt = this.clock.now();
      for (const wake of host.wakers) wake();
    };
  }

  private wait(host: HostState, ms: number | undefined, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        cancel?.();
        host.wakers.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const cancel = ms === undefined ? undefined : this.clock.setTimer(done, ms);
      host.wakers.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private state(address: string): HostState {
    let host = this.hosts.get(address);
    if (!host) {
      if (this.hosts.size >= this.limits.maxHosts) this.forgetIdle();
      host = { active: 0, starts: [], strikes: 0, backoffUntil: 0, wakers: new Set(), parked: [], cap: NOT_LEARNED, rate: NOT_LEARNED, releasedAt: -Infinity };
      this.hosts.set(address, host);
    }
    return host;
  }

  private forgetIdle(): void {
    const now = this.clock.now();
    for (const [address, host] of this.hosts) {
      const quiet = host.active === 0 && host.wakers.size === 0 && host.backoffUntil <= now && host.cap.until <= now && host.rate.until <= now && (host.starts.at(-1)?.at ?? 0) <= now - this.limits.rateWindowMs;
      if (quiet) this.hosts.delete(address);
    }
  }
}
