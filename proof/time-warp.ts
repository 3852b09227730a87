/**
 * Time that can jump forward, for a campaign that runs the real handlers for days of simulated time in
 * minutes: `Date` (and so every handler, the Calendly sandbox, the SMS outbox and the queue) reads the wall
 * clock plus an offset, and `jump` adds to the offset when nothing is running, so retry delays, rate-limit
 * resets and sweeper grace periods pass at once instead of in real time. Between jumps time runs at its
 * real pace, so timeouts and latencies stay what they are. Timers (setTimeout) are left alone.
 *
 * `installTimeWarp` must run before any module that subclasses or captures `Date` is imported.
 */
import type { Clock } from '../shared/domain/clock.ts';

export interface TimeWarp {
  /** The queue's clock: timers on the warped time line, fired by real time or by a jump past them. */
  clock: Clock;
  /** Moves time forward by `ms`, firing every queue timer that falls due. */
  jump(ms: number): void;
  /** When the earliest pending queue timer falls due (warped epoch ms), if any. */
  nextTimerAt(): number | undefined;
  /** How far time has been moved ahead of the wall clock. */
  offsetMs(): number;
}

interface PendingTimer {
  dueAt: number;
  seq: number;
  callback: () => void;
  real: NodeJS.Timeout;
}

let installed: TimeWarp | undefined;

export function installTimeWarp(): TimeWarp {
  if (installed) return installed;
  const RealDate = globalThis.Date;
  let offset = 0;
  const now = () => RealDate.now() + offset;
  globalThis.Date = new Proxy(RealDate, {
    construct: (target, args, newTarget) =>
      Reflect.construct(target, args.length > 0 ? args : [now()], newTarget),
    apply: () => new RealDate(now()).toString(),
    get: (target, property, receiver) => (property === 'now' ? now : Reflect.get(target, property, receiver)),
  });

  let seq = 0;
  const timers = new Set<PendingTimer>();
  const fire = (timer: PendingTimer) => {
    if (!timers.delete(timer)) return;
    clearTimeout(timer.real);
    timer.callback();
  };
  const arm = (timer: PendingTimer) => {
    clearTimeout(timer.real);
    timer.real = setTimeout(() => fire(timer), Math.max(0, timer.dueAt - now()));
    timer.real.unref();
  };
  const earliest = () => {
    let first: PendingTimer | undefined;
    for (const timer of timers) {
      if (!first || timer.dueAt < first.dueAt || (timer.dueAt === first.dueAt && timer.seq < first.seq)) {
        first = timer;
      }
    }
    return first;
  };

  installed = {
    clock: {
      now: () => new Date(now()),
      setTimer(callback, delayMs) {
        const timer: PendingTimer = {
          dueAt: now() + Math.max(0, delayMs),
          seq: seq++,
          callback,
          real: 0 as never,
        };
        timers.add(timer);
        arm(timer);
        return () => {
          timers.delete(timer);
          clearTimeout(timer.real);
        };
      },
    },
    jump(ms) {
      if (!(ms >= 0)) throw new RangeError(`time only moves forward, not by ${ms} ms`);
      offset += ms;
      for (let timer = earliest(); timer && timer.dueAt <= now(); timer = earliest()) fire(timer);
      for (const timer of timers) arm(timer);
    },
    nextTimerAt: () => earliest()?.dueAt,
    offsetMs: () => offset,
  };
  return installed;
}
