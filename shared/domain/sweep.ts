/**
 * The safety net under "a confirmed booking is never lost": bookings the pending index still lists
 * (queued, posting, or finished with the caller's SMS still owed) go back on the queue. Duplicates are
 * harmless: the worker claims a booking before touching Calendly and ignores copies that come too early.
 */
import type { BookingQueuePort, Store } from './ports.ts';

export interface SweepDeps {
  store: Store;
  queue: BookingQueuePort;
}

export interface SweepResult {
  requeued: number;
  oldestOverdueSeconds: number;
}

/** A booking this far past due has missed its message; younger ones are still on their way. */
export const OVERDUE_GRACE_MS = 60_000;
const SWEEP_BATCH = 50;
/** Later than any due time (a four-digit year: due times are compared as ISO strings). */
const END_OF_TIME = new Date('9999-12-31T23:59:59.999Z');
/** SQS's longest delay. */
const MAX_DELAY_SECONDS = 900;

/** Re-enqueues bookings overdue by more than the grace; returns how many, and how overdue the oldest was. */
export async function sweepOverdue(deps: SweepDeps, now: Date): Promise<SweepResult> {
  const due = await deps.store.bookings.listDue(new Date(now.getTime() - OVERDUE_GRACE_MS), SWEEP_BATCH);
  for (const booking of due) await deps.queue.enqueue(booking.bookingId);
  return overdueResult(due, now);
}

/**
 * After a restart of a stack whose queue and workers lived in the stopped process (`npm run dev`): that
 * queue is gone and no worker of it is running, so every booking still listed is re-enqueued at once (or
 * when its retry is due), and a posting lease left by the dead process is handed back first, marked "may
 * exist", so the next attempt looks the booking up in Calendly before posting. Only sound when nothing
 * else works on the table: never call this where workers may still be running (AWS).
 */
export async function resumeAfterRestart(deps: SweepDeps, now: Date, limit = 1_000): Promise<SweepResult> {
  const all = await deps.store.bookings.listDue(END_OF_TIME, limit);
  const nowMs = now.getTime();
  for (const booking of all) {
    if (booking.status === 'posting') {
      await deps.store.bookings.unclaim(booking, { mayExist: true, retryAt: now }, now);
      await deps.queue.enqueue(booking.bookingId);
      continue;
    }
    const waitSeconds = Math.ceil((booking.dueAt - nowMs) / 1000);
    await deps.queue.enqueue(
      booking.bookingId,
      waitSeconds > 0 ? { delaySeconds: Math.min(MAX_DELAY_SECONDS, waitSeconds) } : undefined,
    );
  }
  return overdueResult(all, now);
}

function overdueResult(due: { dueAt: number }[], now: Date): SweepResult {
  const oldest = due[0];
  return {
    requeued: due.length,
    oldestOverdueSeconds: oldest ? Math.max(0, Math.round((now.getTime() - oldest.dueAt) / 1000)) : 0,
  };
}
