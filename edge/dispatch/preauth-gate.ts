/**
 * Counts the agent sockets that have not authenticated yet, per client address and in total, so
 * one prober-shaped script cannot hold hundreds of half-open sockets (each waits up to the auth
 * timeout). Admission happens before the WebSocket upgrade, so a refused client costs one HTTP line.
 */
export interface PreauthLimits {
  /** Unauthenticated sockets one client address may hold at once. */
  perAddress: number;
  /** Unauthenticated sockets the edge holds at once, from everyone. */
  total: number;
}

export const DEFAULT_PREAUTH_LIMITS: PreauthLimits = { perAddress: 16, total: 256 };

export type Admission = { ok: true; release(): void } | { ok: false; reason: 'too_many_from_address' | 'too_many_pending' };

export class PreauthGate {
  private readonly byAddress = new Map<string, number>();
  private pending = 0;

  constructor(private readonly limits: PreauthLimits = DEFAULT_PREAUTH_LIMITS) {}

  /** A seat until `release` (on authentication or close; calling it twice is harmless). */
  admit(address: string): Admission {
    const held = this.byAddress.get(address) ?? 0;
    if (held >= this.limits.perAddress) return { ok: false, reason: 'too_many_from_address' };
    if (this.pending >= this.limits.total) return { ok: false, reason: 'too_many_pending' };
    this.byAddress.set(address, held + 1);
    this.pending++;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.pending--;
        const left = (this.byAddress.get(address) ?? 1) - 1;
        if (left > 0) this.byAddress.set(address, left);
        else this.byAddress.delete(address);
      },
    };
  }

  get size(): number {
    return this.pending;
  }
}
