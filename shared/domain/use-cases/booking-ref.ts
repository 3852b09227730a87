/** An appointment the asking call may act on: a ref find_booking gave this call, and our booking of it if any. */
import type { Booking, BookingRef, CallRecord } from '../model.ts';
import type { UseCaseDeps } from './deps.ts';

/** The live ref of this call with that name, or null: refs of other calls do not exist here. */
export function refOf(record: CallRecord | null, bookingRef: string, now: Date): BookingRef | null {
  const wanted = bookingRef.trim().toUpperCase();
  return record?.bookingRefs.find((entry) => entry.ref === wanted && entry.expiresAt > now.getTime()) ?? null;
}

/**
 * Our booking of the appointment, when we made it. Our booking id in Calendly's tracking is anyone's to write
 * (public booking links take utm parameters): only our own record naming the same event counts.
 */
export async function ourBookingOf(ref: BookingRef, deps: UseCaseDeps): Promise<Booking | null> {
  if (!ref.bookingId) return null;
  const booking = await deps.store.bookings.get(ref.bookingId);
  return booking && booking.calendly?.eventUri === ref.eventUri ? booking : null;
}

/** True for a group event: Calendly's API cancels one for every invitee, so it is not ours to change by phone. */
export async function isGroupEvent(ref: BookingRef, deps: UseCaseDeps): Promise<boolean> {
  const eventType = await deps.directory.eventTypeByUri(ref.eventTypeUri).catch(() => null);
  return eventType?.kind === 'group';
}
