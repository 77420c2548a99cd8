/**
 * How many uploads each principal may stream at once: one caller cannot tie up the edge's
 * memory and the store's writer with many parallel bodies. In process, like the rate limit.
 */
export class UploadSlots {
  private readonly open = new Map<string, number>();

  constructor(readonly perPrincipal: number) {}

  /** A release function when a slot was free, else null. */
  take(principal: string): (() => void) | null {
    const n = this.open.get(principal) ?? 0;
    if (n >= this.perPrincipal) return null;
    this.open.set(principal, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(principal) ?? 1) - 1;
      if (left > 0) this.open.set(principal, left);
      else this.open.delete(principal);
    };
  }
}
