import type { Clock } from '../../protocol/index.ts';

export type Take = { ok: true } | { ok: false; retryAfterS: number };

/**
 * One token bucket per caller: `burst` requests at once, refilled at `perSecond`. Buckets that
 * have refilled completely carry no state worth keeping, so they are dropped when the map grows.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly maxCallers = 10_000,
  ) {}

  /** Whether a take would succeed now, without spending a token. */
  peek(caller: string): Take {
    const bucket = this.buckets.get(caller);
    if (!bucket) return { ok: true };
    const tokens = Math.min(this.burst, bucket.tokens + ((this.clock.now() - bucket.at) / 1000) * this.perSecond);
    return tokens >= 1 ? { ok: true } : { ok: false, retryAfterS: this.waitS(tokens) };
  }

  take(caller: string): Take {
    const now = this.clock.now();
    const bucket = this.buckets.get(caller) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    if (!this.buckets.has(caller)) {
      if (this.buckets.size >= this.maxCallers) this.dropFull(now);
      this.buckets.set(caller, bucket);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterS: this.waitS(bucket.tokens) };
  }

  private waitS(tokens: number): number {
    return Math.max(1, Math.ceil((1 - tokens) / this.perSecond));
  }

  private dropFull(now: number): void {
    for (const [caller, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.perSecond >= this.burst) this.buckets.delete(caller);
    }
  }
}
