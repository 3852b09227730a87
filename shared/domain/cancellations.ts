/**
 * The last step of canceling one of our bookings, shared by cancel_booking (at once, on the caller's turn)
 * and the booking worker (for a cancellation whose tool call died): Calendly is told (a second telling hears
 * "already canceled"), then the booking is canceled with its lock freed, or booked again when Calendly says
 * it has started.
 */

import type { Clock } from './clock.ts';
import type { Booking } from './model.ts';
import type { CalendlyCancelResult, CalendlyPort, Store } from './ports.ts';

/** What Calendly shows the invitee and the host as the reason, for a cancellation asked for by phone. */
export const CANCELLATION_REASON = 'Canceled by the caller over the phone.';
/** The same, for the old time of an appointment moved by phone. */
export const RESCHEDULE_REASON = 'Moved to another time by the caller over the phone.';

/**
 * Finishes a `canceling` booking; `smsOwed` decides, from Calendly's answer, whether the caller is still to
 * be texted about it. Returns Calendly's answer and the booking as it is now.
 */
export async function completeCancellation(
  booking: Booking,
  deps: { store: Pick<Store, 'bookings'>; calendly: CalendlyPort; clock: Clock },
  smsOwed: (result: Exclude<CalendlyCancelResult, 'in_past'>) => boolean,
): Promise<{ result: CalendlyCancelResult; booking: Booking }> {
  if (!booking.calendly) throw new Error('a canceling booking has no Calendly event');
  const result = await deps.calendly.cancelEvent(booking.calendly.eventUri, CANCELLATION_REASON);
  if (result === 'in_past') {
    await deps.store.bookings.abandonCancel(booking, deps.clock.now());
    return { result, booking };
  }
  const canceled = await deps.store.bookings.finishCancel(booking, deps.clock.now(), {
    smsOwed: smsOwed(result),
  });
  return { result, booking: canceled };
}
