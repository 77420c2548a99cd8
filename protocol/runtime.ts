/**
 * The two ambient sources every stage needs, injected so tests are deterministic.
 * Web-standard defaults only: this file runs on Node, Deno and in the edge.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs fn after ms; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** n cryptographically strong random bytes. */
  bytes(n: number): Uint8Array;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

export const systemRandom: Random = {
  next() {
    const b = crypto.getRandomValues(new Uint32Array(1));
    return (b[0] ?? 0) / 2 ** 32;
  },
  bytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
};

/** Resolves after ms on the given clock, or rejects with the signal's reason. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      cancel();
      reject(signal?.reason);
    };
    const cancel = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
