/**
 * Cancel an appointment find_booking gave this call. Our own bookings move booked -> canceling -> canceled
 * in the table: `canceling` decides a race with another change of the same booking (another call, a
 * reschedule), and is finished by the booking worker if this call does not get that far. Calendly is told
 * with POST /scheduled_events/{uuid}/cancellation; our lock is freed with the `canceled` step, and the
 * caller's text goes out once, through the worker (retried there) for our bookings, at once for others.
 * A repeat from the same call answers `canceled` again and changes nothing; an appointment canceled
 * elsewhere meanwhile answers `already_canceled`, truthfully.
 */
import { CANCELLATION_REASON, completeCancellation } from '../cancellations.ts';
import type { Booking, BookingRef, CallContext } from '../model.ts';
import type { CalendlyCancelResult } from '../ports.ts';
import { isGroupEvent, ourBookingOf, refOf } from './booking-ref.ts';
import type { UseCaseDeps } from './deps.ts';

export type CancelBookingOutcome =
  | { kind: 'canceled'; ref: BookingRef; zone: string; bookingId: string | null; texted: boolean }
  | { kind: 'already_canceled'; ref: BookingRef; zone: string }
  /** It has started (or passed): Calendly cancels only upcoming events. */
  | { kind: 'in_past'; ref: BookingRef; zone: string }
  /** A group event: Calendly's API would cancel it for every invitee. */
  | { kind: 'group_event'; ref: BookingRef }
  /** reschedule_booking is moving it right now (this call or another). */
  | { kind: 'being_moved'; ref: BookingRef }
  | { kind: 'unknown_booking'; bookingRef: string };

export async function cancelBooking(
  bookingRef: string,
  call: CallContext,
  deps: UseCaseDeps,
): Promise<CancelBookingOutcome> {
  const now = deps.clock.now();
  const record = await deps.store.calls.get(call.callId);
  const ref = refOf(record, bookingRef, now);
  if (!ref) return { kind: 'unknown_booking', bookingRef };
  const zone = await deps.directory.businessTimezone();
  const callerNumber = call.callerNumber ?? record?.callerNumber ?? null;
  if (await isGroupEvent(ref, deps)) return { kind: 'group_event', ref };

  const ours = await ourBookingOf(ref, deps);
  if (ours) return await cancelOurBooking(ours, ref, { call, zone, deps });
  if (ref.canceledAt !== null) return canceledByThisCall(ref, zone, null);
  if (Date.parse(ref.start) <= now.getTime()) return { kind: 'in_past', ref, zone };

  const result = await deps.calendly.cancelEvent(ref.eventUri, CANCELLATION_REASON);
  if (result === 'in_past') return { kind: 'in_past', ref, zone };
  if (callerNumber) await deps.store.appointments.forget(callerNumber, ref);
  if (result === 'already_canceled') return { kind: 'already_canceled', ref, zone };
  // Marked before texting: a repeat of this request finds it canceled by this call and texts nobody again.
  const first = await deps.store.calls.markRefCanceled(call.callId, ref.ref, now);
  let texted = false;
  if (first && deps.sms && callerNumber) {
    texted = await deps.sms
      .send({ to: callerNumber, body: deps.texts.appointmentCanceled(ref.start, zone, deps.clock.now()) })
      .then(
        () => true,
        () => false,
      );
  }
  return { kind: 'canceled', ref, zone, bookingId: null, texted };
}

function canceledByThisCall(ref: BookingRef, zone: string, bookingId: string | null): CancelBookingOutcome {
  return { kind: 'canceled', ref, zone, bookingId, texted: false };
}

async function cancelOurBooking(
  booking: Booking,
  ref: BookingRef,
  context: { call: CallContext; zone: string; deps: UseCaseDeps },
): Promise<CancelBookingOutcome> {
  const { call, zone, deps } = context;
  const now = deps.clock.now();
  let current = booking;
  let startedNow = false;
  if (current.status === 'booked') {
    if (Date.parse(current.slot.start) <= now.getTime()) return { kind: 'in_past', ref, zone };
    const started = await deps.store.bookings.startCancel(current, call.callId, now, {
      retryAt: new Date(now.getTime() + deps.settings.cancelLeaseMs),
    });
    current = started.booking;
    startedNow = started.kind === 'started';
  }
  const mine = current.canceledBy === call.callId;
  if (current.status === 'canceled') {
    return mine ? canceledByThisCall(ref, zone, current.bookingId) : { kind: 'already_canceled', ref, zone };
  }
  if (current.status === 'rescheduling') return { kind: 'being_moved', ref };
  if (current.status !== 'canceling') return { kind: 'unknown_booking', bookingRef: ref.ref };
  // Another call is canceling it right now: to this caller it is canceled already.
  if (!mine) return { kind: 'already_canceled', ref, zone };

  // Canceled on Calendly's side before we asked (its webhook has not reached us): say so, and text nobody.
  // "Already canceled" when resuming our own `canceling` is this call's earlier request that got through.
  const textable = deps.sms !== null && current.callerNumber !== null;
  const owed = (answer: CalendlyCancelResult) => textable && !(answer === 'already_canceled' && startedNow);
  const { result, booking: finished } = await completeCancellation(current, deps, owed);
  if (result === 'in_past') return { kind: 'in_past', ref, zone };
  const elsewhere = result === 'already_canceled' && startedNow;
  const smsOwed = owed(result);
  // The worker sends the text (and retries it); if the queue is unreachable, the sweeper finds it due.
  if (smsOwed) await deps.queue.enqueue(finished.bookingId).catch(() => undefined);
  if (elsewhere) return { kind: 'already_canceled', ref, zone };
  // For the call's record (the worker texts about our bookings, so who marks it first does not matter).
  await deps.store.calls.markRefCanceled(call.callId, ref.ref, now);
  return { kind: 'canceled', ref, zone, bookingId: finished.bookingId, texted: smsOwed };
}
