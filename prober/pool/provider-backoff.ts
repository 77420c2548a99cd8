import { growingDelayMs, mailProviderOf, type Clock, type HeldOff, type SmtpReply } from '../../protocol/index.ts';

export interface ProviderBackoffOptions {
  clock: Clock;
  /** The first back-off of a provider (default 1 h); each repeat doubles it. */
  baseMs?: number;
  /** The longest back-off (default 24 h). */
  maxMs?: number;
  /** A provider that has not refused us for this long after its back-off ended starts again from `baseMs` (default 7 days). */
  forgetMs?: number;
  /** Providers remembered at most; the quietest are forgotten first. */
  maxProviders?: number;
}

/** One provider we stay away from: until when, how many times it has refused us, and what made us. */
export interface ProviderBlock {
  provider: string;
  until: number;
  strikes: number;
  /** The MX host whose reply started the back-off, and that reply; absent for one the edge kept while this prober restarted. */
  refusal?: { host: string; reply: SmtpReply };
}

const HOUR = 60 * 60_000;
const DEFAULTS = { baseMs: HOUR, maxMs: 24 * HOUR, forgetMs: 7 * 24 * HOUR, maxProviders: 10_000 };

/**
 * A block or rate limit that names our IP is the provider's verdict on us, shared by every one of
 * its MX hosts: they all wait out a back-off, grouped by the MX host's registered domain (every
 * `*.google.com`, every `*.outlook.com`), hours long and longer on each repeat. The per-address
 * back-off of a busy host is the HostLimiter's; this one is about our standing.
 */
export class ProviderBackoff {
  private readonly blocks = new Map<string, ProviderBlock>();
  /** When the last back-off now known ends: past it nothing is in effect. */
  private latestUntil = 0;
  private readonly options: Required<Omit<ProviderBackoffOptions, 'clock'>> & { clock: Clock };

  constructor(options: ProviderBackoffOptions) {
    this.options = { ...DEFAULTS, ...options };
  }

  /**
   * Starts a back-off of `host`'s provider after `reply`; returns it when this started one, and
   * undefined when one was in effect already (replies from sessions opened before it began are no
   * repeat: they answer the same sending).
   */
  refused(host: string, reply: SmtpReply): ProviderBlock | undefined {
    const provider = mailProviderOf(host);
    const now = this.options.clock.now();
    const known = this.blocks.get(provider);
    if (known && known.until > now) return undefined;
    const repeat = known !== undefined && now - known.until < this.options.forgetMs;
    const strikes = repeat ? known.strikes + 1 : 1;
    return this.keep({ provider, until: now + growingDelayMs(strikes - 1, this.options), strikes, refusal: { host, reply } });
  }

  /**
   * Back-offs this prober reported before it restarted, as the edge kept them (HeldOff: provider
   * and seconds left). One already known here stands; the refusal itself was not kept.
   */
  remember(held: readonly HeldOff[]): void {
    const now = this.options.clock.now();
    for (const { provider, for_s } of held) {
      if ((this.blocks.get(provider)?.until ?? 0) > now) continue;
      this.keep({ provider, until: now + Math.min(for_s * 1000, this.options.maxMs), strikes: this.blocks.get(provider)?.strikes ?? 1 });
    }
  }

  private keep(block: ProviderBlock): ProviderBlock {
    this.blocks.delete(block.provider);
    this.blocks.set(block.provider, block);
    this.latestUntil = Math.max(this.latestUntil, block.until);
    if (this.blocks.size > this.options.maxProviders) this.forgetOldest();
    return block;
  }

  /** The back-off in effect for `host`'s provider, if any. */
  blockOf(host: string): ProviderBlock | undefined {
    // Asked before every transaction; almost always nothing is in effect (over ones are kept for
    // their strikes), and the name's public suffix lookup is the cost.
    const now = this.options.clock.now();
    if (now >= this.latestUntil) return undefined;
    const block = this.blocks.get(mailProviderOf(host));
    return block && block.until > now ? block : undefined;
  }

  /** Every back-off in effect now, soonest over first. */
  active(): ProviderBlock[] {
    const now = this.options.clock.now();
    return [...this.blocks.values()].filter((b) => b.until > now).sort((a, b) => a.until - b.until);
  }

  private forgetOldest(): void {
    const now = this.options.clock.now();
    const over = [...this.blocks.values()].filter((b) => b.until <= now).sort((a, b) => a.until - b.until);
    const drop = over[0] ?? [...this.blocks.values()].sort((a, b) => a.until - b.until)[0];
    if (drop) this.blocks.delete(drop.provider);
  }
}
