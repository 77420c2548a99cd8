import { MAX_PREAUTH_FRAME_BYTES } from '../../protocol/index.ts';

/** Bytes a socket may send before it has authenticated: a hello and an auth frame with room to spare (16 KiB). */
export const PREAUTH_BYTE_BUDGET = 4 * MAX_PREAUTH_FRAME_BYTES;

/**
 * What an agent socket may send before it proves who it is, counted the same way on every
 * runtime: the Node adapter spends the raw stream's chunks (ws buffers a message whole, so it
 * counts below ws), the Web-standard socket (Deno) each message as it arrives. Once overdrawn it
 * stays overdrawn; once the agent is verified nothing more is counted.
 */
export class PreauthBudget {
  private left: number | null;

  constructor(bytes: number = PREAUTH_BYTE_BUDGET) {
    this.left = bytes;
  }

  /** Counts `bytes`; false once more was sent than the budget allows (the caller closes the socket). */
  spend(bytes: number): boolean {
    if (this.left === null) return true;
    this.left -= bytes;
    return this.left >= 0;
  }

  /**
   * Counts a text message by its UTF-8 size. That size is at least the text's UTF-16 length, so a
   * text longer than what is left is over budget without encoding it (a large one is not copied).
   */
  spendText(text: string): boolean {
    if (this.left === null) return true;
    if (text.length > this.left) return this.spend(text.length);
    return this.spend(new TextEncoder().encode(text).length);
  }

  /** The agent is verified: its frames are bounded by the protocol's own limits from now on. */
  lift(): void {
    this.left = null;
  }

  get counting(): boolean {
    return this.left !== null;
  }
}
