/**
 * The slot lock's rules, independent of where the lock is stored: when a lock item stops blocking others,
 * and which of a call's holds still count against its cap. The DynamoDB adapter writes the same rules into
 * its conditions (it must, to decide atomically); these decide what the adapter reads back.
 */

/** What a slot or cell lock item says about its time. */
export interface LockView {
  state: 'held' | 'booking' | 'booked' | 'released';
  expiresAt?: number | null | undefined;
}

/** True when the lock no longer blocks anyone at `now`: absent, released, or a hold whose lease ran out. */
export function isLockFree(lock: LockView | null, now: number): boolean {
  if (!lock) return true;
  if (lock.state === 'released') return true;
  return lock.state === 'held' && (lock.expiresAt ?? 0) <= now;
}

/** A call's holds (holdId -> lease expiry) that are still live at `now`: the ones its cap counts. */
export function liveHoldsOf(holds: Record<string, number>, now: number): Record<string, number> {
  return Object.fromEntries(Object.entries(holds).filter(([, until]) => until > now));
}
