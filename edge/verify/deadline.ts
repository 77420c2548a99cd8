import type { Clock } from '../../protocol/index.ts';

export const EXPIRED: unique symbol = Symbol('deadline expired');

/** One overall time budget on the injected clock, shared by every stage of a check. */
export interface Deadline {
  /** Aborted when the budget runs out; hand it to every stage so they stop too. */
  signal: AbortSignal;
  /** Milliseconds left, never negative. */
  remaining(): number;
  /** The stage's answer, or EXPIRED if the budget ran out first. */
  race<T>(work: Promise<T>): Promise<T | typeof EXPIRED>;
  /** Releases the timer once the check is done. */
  done(): void;
}

export function startDeadline(clock: Clock, ms: number): Deadline {
  const controller = new AbortController();
  const endsAt = clock.now() + ms;
  let expire: () => void = () => {};
  const expired = new Promise<typeof EXPIRED>((resolve) => {
    expire = () => resolve(EXPIRED);
  });
  const cancel = clock.setTimer(() => {
    expire();
    controller.abort(new Error('deadline exceeded'));
  }, ms);
  return {
    signal: controller.signal,
    remaining: () => Math.max(0, endsAt - clock.now()),
    race: (work) => Promise.race([work, expired]),
    done: cancel,
  };
}
