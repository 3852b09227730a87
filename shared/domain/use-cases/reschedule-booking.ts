/**
 * Move an appointment find_booking gave this call to a time check_availability offered it, as durable steps
 * (Calendly has no reschedule endpoint, and its reschedule links are pages for the invitee, not an API):
 *
 * 1. hold the new time (the slot lock, as hold_slot);
 * 2. one transaction: the hold becomes a queued booking that `replaces` the appointment, and our own booking
 *    of the old one (if we made it) moves booked -> rescheduling, which a cancellation or a second
 *    reschedule of it can no longer win;
 * 3. the booking worker books the new time; only then does it cancel the old one in Calendly and free its
 *    lock. If the new time cannot be booked, the old one goes back to `booked` and the caller hears it stands.
 *
 * A crash between steps is finished by a redelivery or the sweeper: the new booking stays due until the old
 * one is canceled. Never both kept, never both lost.
 */
import { bookingFromHold } from '../bookings.ts';
import { newHoldId } from '../ids.ts';
import { type Booking, type BookingRef, type CallContext, isReplayed } from '../model.ts';
import type { OpenSlotFinder } from '../open-slots.ts';
import { isGroupEvent, ourBookingOf, refOf } from './booking-ref.ts';
import type { UseCaseDeps } from './deps.ts';
import { findOffer, holdOffer, type OfferHold } from './hold-slot.ts';
import { waitForWorker } from './wait-for-worker.ts';

export interface RescheduleRequest {
  bookingRef: string;
  slotId: string;
}

export type RescheduleOutcome =
  /** The new booking as the worker left it: booked, failed (the old one stands), or still on its way. */
  | { kind: 'booking'; booking: Booking; previous: BookingRef; slotId: string; zone: string }
  | { kind: 'unknown_booking'; bookingRef: string }
  | { kind: 'unknown_slot'; slotId: string }
  | { kind: 'call_ended' }
  | { kind: 'in_past'; ref: BookingRef }
  | { kind: 'group_event'; ref: BookingRef }
  | { kind: 'same_time'; ref: BookingRef }
  /** Canceled meanwhile (on Calendly, or by another call). */
  | { kind: 'already_canceled'; ref: BookingRef; zone: string }
  /** Another request is moving or canceling it right now. */
  | { kind: 'being_changed'; ref: BookingRef }
  | Exclude<OfferHold, { kind: 'held' } | { kind: 'replayed' }>;

export async function rescheduleBooking(
  request: RescheduleRequest,
  call: CallContext,
  deps: UseCaseDeps & { slots: OpenSlotFinder; onEnqueueFailure?: (error: unknown) => void },
): Promise<RescheduleOutcome> {
  const now = deps.clock.now();
  const record = await deps.store.calls.get(call.callId);
  const ref = refOf(record, request.bookingRef, now);
  if (!ref) return { kind: 'unknown_booking', bookingRef: request.bookingRef };
  const offer = findOffer(record?.ledger.offers ?? [], request.slotId, now.getTime());
  if (!offer || Date.parse(offer.start) <= now.getTime())
    return { kind: 'unknown_slot', slotId: request.slotId };
  if (record?.status === 'ended') return { kind: 'call_ended' };
  const zone = await deps.directory.businessTimezone();

  // This call already asked for this move: answer with how that booking stands, and move nothing twice.
  if (ref.movedTo) {
    const moving = await waitForWorker(ref.movedTo, deps);
    if (moving) return { kind: 'booking', booking: moving, previous: ref, slotId: offer.id, zone };
  }
  if (await isGroupEvent(ref, deps)) return { kind: 'group_event', ref };
  if (Date.parse(ref.start) <= now.getTime()) return { kind: 'in_past', ref };
  if (offer.eventTypeUri === ref.eventTypeUri && Date.parse(offer.start) === Date.parse(ref.start)) {
    return { kind: 'same_time', ref };
  }
  const ours = await ourBookingOf(ref, deps);
  if (ours && ours.status !== 'booked') return changedMeanwhile(ours, ref, zone);

  const held = await holdOffer(
    offer,
    call,
    { name: ref.name, email: ref.email, callerNumber: call.callerNumber ?? record?.callerNumber ?? null },
    { now, zone, holdId: newHoldId(), seen: record },
    deps,
  );
  // Without an answer to keep, holdOffer has no replayed answer to give.
  if (held.kind === 'replayed') throw new Error('reschedule hold answered as a replay');
  if (held.kind !== 'held') return held;

  const booking = bookingFromHold(held.hold, {
    timezone: zone,
    now,
    replaces: {
      eventUri: ref.eventUri,
      inviteeUri: ref.inviteeUri,
      eventTypeUri: ref.eventTypeUri,
      start: ref.start,
      bookingId: ours?.bookingId ?? null,
      canceledAt: null,
    },
  });
  const confirmed = await deps.store.slots.confirm(held.hold, booking, deps.clock.now());
  if (confirmed.kind !== 'confirmed') {
    await deps.store.slots.release(held.hold, deps.clock.now());
    const current = ours ? await deps.store.bookings.get(ours.bookingId) : null;
    if (current && current.status !== 'booked') return changedMeanwhile(current, ref, zone);
    // The hold was just taken; it cannot have run out unless the store is far behind the clock.
    const alternatives = await deps.slots.alternativesTo(call, held.hold.slot, zone, {});
    // Without an answer to keep there is no replayed one either (this tool keeps its answers elsewhere).
    if (isReplayed(alternatives)) throw new Error('alternatives answered as a replay');
    return { kind: 'slot_taken', zone, alternatives };
  }
  await deps.store.calls.markRefMoved(call.callId, ref.ref, booking.bookingId);
  // The booking is already durable; if the queue is unreachable the sweeper re-enqueues it.
  await deps.queue.enqueue(booking.bookingId).catch((error: unknown) => deps.onEnqueueFailure?.(error));
  const stored = await waitForWorker(booking.bookingId, deps);
  if (!stored) throw new Error(`booking ${booking.bookingId} vanished`);
  return { kind: 'booking', booking: stored, previous: ref, slotId: offer.id, zone };
}

function changedMeanwhile(ours: Booking, ref: BookingRef, zone: string): RescheduleOutcome {
  return ours.status === 'canceled'
    ? { kind: 'already_canceled', ref, zone }
    : { kind: 'being_changed', ref };
}
