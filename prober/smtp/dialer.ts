/**
 * The byte stream the SMTP session runs over, and how one is opened. The session owns
 * this interface; node:net / node:tls / SOCKS5 implementations live in prober/adapters/.
 */
export interface Connection {
  /** The peer address actually connected to (after a proxy: the target). */
  readonly remoteAddress: string;
  write(chunk: Uint8Array): void;
  /** Chunks as they arrive; `onEnd` fires once when the peer closes or the socket errors. */
  onData(listener: (chunk: Uint8Array) => void): void;
  onEnd(listener: (error?: Error) => void): void;
  /**
   * Upgrades this connection to TLS in place (after the server's 220 to STARTTLS).
   * Certificates are not verified, as MTAs do for opportunistic TLS.
   * On success the session reads and writes through the returned connection: it may be this
   * object (upgraded in place) or a new one; either way this object's earlier listeners must
   * receive no ciphertext. `servername` is '' when the MX is an address literal (no SNI).
   */
  startTls(servername: string, options: { timeoutMs: number }): Promise<DialOutcome>;
  close(): void;
}

export type DialFailure = 'refused' | 'timeout' | 'unreachable' | 'proxy_error' | 'tls_failed' | 'aborted';

export type DialOutcome = { ok: true; connection: Connection } | { ok: false; failure: DialFailure; detail: string };

export interface Dialer {
  dial(address: string, port: number, options: { timeoutMs: number; signal?: AbortSignal }): Promise<DialOutcome>;
}
