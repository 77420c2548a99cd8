import type { Clock } from '../../protocol/index.ts';
import { LRUCache } from 'lru-cache';

export interface HostNotesOptions {
  clock: Clock;
  /** RCPTs per MAIL transaction until a host proves it cannot take that many. */
  batchSize: number;
  /** How long a host whose TLS handshake failed is spoken to in clear. */
  tlsAvoidMs: number;
  /** How long a host that sent no banner in time is tried last (default 6 h). */
  tarpitMemoryMs?: number;
  maxHosts: number;
}

interface Note {
  batchSize: number;
  tlsBrokenUntil: number;
  tarpitUntil: number;
  /** Refused a second domain's RCPTs in a session opened for another: each domain gets its own session. */
  ownSessions: boolean;
  /** Refusals after which the host turned on us for the rest of a session (see limitRefusals). */
  refusalBudget: number;
}

const DEFAULT_TARPIT_MEMORY_MS = 6 * 60 * 60_000;

/** What the prober has learnt about an MX address across tasks: how big a session it stands, whether its TLS works. */
export class HostNotes {
  private readonly notes: LRUCache<string, Note>;

  constructor(private readonly options: HostNotesOptions) {
    this.notes = new LRUCache({ max: options.maxHosts });
  }

  batchSize(address: string): number {
    return this.notes.get(address)?.batchSize ?? this.options.batchSize;
  }

  /** A host that dropped us mid-session gets smaller sessions from then on. */
  shrink(address: string): void {
    const note = this.note(address);
    note.batchSize = Math.max(1, Math.floor(note.batchSize / 2));
  }

  /**
   * A host that said "too many recipients" after `taken` RCPTs gets no more per transaction from
   * then on. `taken` counts refused RCPTs too, on purpose: it is the exact limit of a server that
   * counts every RCPT (Exim's recipients_max), and for one that counts only accepted ones (Postfix's
   * smtpd_recipient_limit) a larger batch holds as many answers per transaction or more, an
   * overshoot costing one re-sent RCPT, not a round trip, until a 452 with no refusal in front
   * settles it at the limit. Counting accepted ones only would shrink every transaction to the Exim
   * kind for good (recipient-limit.test.ts pins both).
   */
  limitRecipients(address: string, taken: number): void {
    const note = this.note(address);
    note.batchSize = Math.max(1, Math.min(note.batchSize, taken));
  }

  /** Refusals a session of this host may spend: `own`, or fewer where the host turned on us after that many. */
  refusalBudget(address: string, own: number): number {
    return Math.min(own, this.notes.get(address)?.refusalBudget ?? own);
  }

  /**
   * The host refused us every RCPT of a session after `refused` refusals (qmail chkuser's limit of
   * unknown recipients): later sessions end before that many.
   */
  limitRefusals(address: string, refused: number): void {
    const note = this.note(address);
    note.refusalBudget = Math.max(1, Math.min(note.refusalBudget, refused));
  }

  /** A host that sent no banner within its timeout is a tarpit: the next MX goes first for hours. */
  tarpit(address: string): void {
    this.note(address).tarpitUntil = this.options.clock.now() + (this.options.tarpitMemoryMs ?? DEFAULT_TARPIT_MEMORY_MS);
  }

  isTarpit(address: string): boolean {
    return (this.notes.get(address)?.tarpitUntil ?? 0) > this.options.clock.now();
  }

  /** Whether a session left by one domain's task may carry the next domain's RCPTs. */
  sharesSessions(address: string): boolean {
    return !(this.notes.get(address)?.ownSessions ?? false);
  }

  /** The host refused RCPTs for a domain in a session that had carried another: per-domain sessions from now on. */
  refusesSharing(address: string): void {
    this.note(address).ownSessions = true;
  }

  tlsUsable(address: string): boolean {
    return (this.notes.get(address)?.tlsBrokenUntil ?? 0) <= this.options.clock.now();
  }

  tlsFailed(address: string): void {
    this.note(address).tlsBrokenUntil = this.options.clock.now() + this.options.tlsAvoidMs;
  }

  private note(address: string): Note {
    const found = this.notes.get(address);
    if (found) return found;
    const note = { batchSize: this.options.batchSize, tlsBrokenUntil: 0, tarpitUntil: 0, ownSessions: false, refusalBudget: Number.POSITIVE_INFINITY };
    this.notes.set(address, note);
    return note;
  }
}
