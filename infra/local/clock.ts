/**
 * A manual clock (the domain's Clock port, shared/domain/clock.ts) for the local stack and tests: the local
 * queue, the Lambda timeouts and the use cases' waits take one, so tests move time forward by hand instead
 * of sleeping through visibility timeouts, message delays and polling.
 */
import type { Clock } from '../../shared/domain/clock.ts';

/** A clock that stands still until `advance` moves it. */
export interface ManualClock extends Clock {
  /** Moves time forward, firing every timer that falls due, in due order, each at its own due time. */
  advance(ms: number): void;
}

interface PendingTimer {
  dueAt: number;
  seq: number;
  callback: () => void;
}

/** A manual clock starting at `startMs` (default 2030-01-07T09:00:00Z, a Monday morning). */
export function createManualClock(startMs = Date.UTC(2030, 0, 7, 9, 0, 0)): ManualClock {
  let now = startMs;
  let seq = 0;
  const timers = new Set<PendingTimer>();

  const nextDue = (until: number): PendingTimer | undefined => {
    let next: PendingTimer | undefined;
    for (const timer of timers) {
      if (timer.dueAt > until) continue;
      if (!next || timer.dueAt < next.dueAt || (timer.dueAt === next.dueAt && timer.seq < next.seq)) {
        next = timer;
      }
    }
    return next;
  };

  return {
    now: () => new Date(now),
    setTimer(callback, delayMs) {
      const timer = { dueAt: now + Math.max(0, delayMs), seq: seq++, callback };
      timers.add(timer);
      return () => {
        timers.delete(timer);
      };
    },
    advance(ms) {
      if (!(ms >= 0)) throw new RangeError(`cannot move a clock by ${ms} ms`);
      const target = now + ms;
      // Timers set by a firing callback that fall inside the window fire too, as they would in real time.
      for (let timer = nextDue(target); timer; timer = nextDue(target)) {
        timers.delete(timer);
        now = timer.dueAt;
        timer.callback();
      }
      now = target;
    },
  };
}
