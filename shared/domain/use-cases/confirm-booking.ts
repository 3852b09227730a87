/**
 * Confirm a booking: a live hold of this call becomes a queued booking, and the booking worker gets a
 * short while to finish it before the caller hears "pending".
 */
import { bookingFromHold } from '../bookings.ts';
import type { AnswerKeeper, Booking, CallContext, Hold, Replayed } from '../model.ts';
import type { UseCaseDeps } from './deps.ts';
import { keptOutcome } from './kept-answer.ts';
import { type HoldRefusal, isRefusal, ownHold } from './own-hold.ts';
import { waitForWorker } from './wait-for-worker.ts';

export type ConfirmOutcome =
  /** The booking as the worker left it: booked, failed, or still queued or posting (pending). */
  | { kind: 'booking'; booking: Booking; zone: string }
  | HoldRefusal
  | { kind: 'hold_released'; hold: Hold }
  | { kind: 'hold_expired'; hold: Hold }
  /** A replay of a tool call whose first answer was kept: it said the booking was still on its way. */
  | Replayed;

/**
 * A hold is confirmed once, so a replay finds it confirmed and answers with the booking as it is: the same
 * answer, once the booking is booked or failed. Only a first answer that said "still on its way" is kept
 * (in the call's ledger), for its replays to hear again.
 */
export async function confirmBooking(
  holdId: string,
  call: CallContext,
  deps: UseCaseDeps & { onEnqueueFailure?: (error: unknown) => void },
  keep?: AnswerKeeper<ConfirmOutcome>,
): Promise<ConfirmOutcome> {
  const now = deps.clock.now();
  const hold = await ownHold(holdId, call, deps);
  if (isRefusal(hold)) return hold;
  if (hold.status !== 'held' && keep) {
    // Confirmed (or released) already: this may be a replay whose first answer was kept.
    const ledger = await deps.store.calls.ledger(call.callId);
    const kept = ledger.answers[keep.toolCallId];
    if (kept !== undefined) return { kind: 'replayed', answer: kept };
  }
  if (hold.status === 'released') return { kind: 'hold_released', hold };
  const zone = await deps.directory.businessTimezone();

  let bookingId = hold.bookingId;
  if (hold.status === 'held') {
    if (hold.expiresAt <= now.getTime()) return { kind: 'hold_expired', hold };
    const booking = bookingFromHold(hold, { timezone: zone, now });
    const outcome = await deps.store.slots.confirm(hold, booking, now);
    // `replaced_changed` needs a booking that replaces another, which this one never does.
    if (outcome.kind === 'expired' || outcome.kind === 'replaced_changed')
      return { kind: 'hold_expired', hold };
    bookingId = outcome.kind === 'confirmed' ? outcome.booking.bookingId : outcome.bookingId;
    if (outcome.kind === 'confirmed') {
      // The booking is already durable; if the queue is unreachable the sweeper re-enqueues it.
      await deps.queue.enqueue(booking.bookingId).catch((error: unknown) => deps.onEnqueueFailure?.(error));
    }
  }
  if (!bookingId) throw new Error('confirmed hold without a booking id');
  const booking = await waitForWorker(bookingId, deps, { justQueued: hold.status === 'held' });
  if (!booking) throw new Error(`booking ${bookingId} vanished`);
  const outcome: ConfirmOutcome = { kind: 'booking', booking, zone };
  // Only "still on its way" could differ for a replay that runs again.
  const pending = booking.status === 'queued' || booking.status === 'posting';
  return pending ? await keptOutcome(outcome, call, keep, deps) : outcome;
}
