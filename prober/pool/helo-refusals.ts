import type { Clock, SmtpReply } from '../../protocol/index.ts';

/** The last refusal of our HELO name and how many there were, for `prober doctor`. */
export interface HeloRefusalSummary {
  count: number;
  last?: { host: string; reply: SmtpReply; at: number };
}

/**
 * Servers that refused the name we say in EHLO/HELO ("504 5.5.2 <name>: Helo command rejected:
 * need fully-qualified hostname"): each such answer is about us, not the address, and the fix
 * (BZ_HELO_NAME) is the operator's, so the doctor tells them.
 */
export class HeloRefusals {
  private summary: HeloRefusalSummary = { count: 0 };

  constructor(private readonly clock: Clock) {}

  seen(host: string, reply: SmtpReply): void {
    this.summary = { count: this.summary.count + 1, last: { host, reply, at: this.clock.now() } };
  }

  read(): HeloRefusalSummary {
    return this.summary;
  }
}
