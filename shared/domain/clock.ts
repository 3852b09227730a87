/**
 * Time as a port: "now", and timers on the same time line. Every wait in the product (polling for the
 * booking worker, waiting for another container's cache fill, the caller's budget for Vapi) goes through a
 * Clock, so tests run the same code on a manual clock instead of sleeping.
 */

/** "Now" and timers that fire on the same time line. */
export interface Clock {
  now(): Date;
  /** Calls `callback` once `delayMs` have passed on this clock; the returned function cancels it. */
  setTimer(callback: () => void, delayMs: number): () => void;
}

/**
 * The wall clock. Its timers do not keep a process alive on their own: every wait is for an answer on a
 * socket (DynamoDB, a vendor, the local server), and that socket does.
 */
export const systemClock: Clock = {
  now: () => new Date(),
  setTimer(callback, delayMs) {
    const timer = setTimeout(callback, Math.max(0, delayMs));
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/** Resolves once `ms` have passed on `clock`. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => {
    clock.setTimer(resolve, ms);
  });
}

/** What a bounded wait ended with: the work's value, or the budget running out first. */
export type Bounded<T> = { kind: 'done'; value: T } | { kind: 'timed_out' };

/**
 * Races `work` against `budgetMs` on `clock`; the timer is cancelled as soon as the work settles. A
 * rejection of `work` rejects, as it would unbounded; a timeout leaves `work` running (nothing can stop it).
 */
export async function withinBudget<T>(clock: Clock, budgetMs: number, work: Promise<T>): Promise<Bounded<T>> {
  let cancel: (() => void) | undefined;
  const timedOut = new Promise<Bounded<T>>((resolve) => {
    cancel = clock.setTimer(() => resolve({ kind: 'timed_out' }), budgetMs);
  });
  try {
    return await Promise.race([work.then((value): Bounded<T> => ({ kind: 'done', value })), timedOut]);
  } finally {
    cancel?.();
  }
}
