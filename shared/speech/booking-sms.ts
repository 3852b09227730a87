/** The text a caller gets when their booking is made or could not be made. */
import type { Booking } from '../domain/model.ts';
import { speakSlot } from './time.ts';

/** The SMS text for a finished booking: plain, short, no personal data beyond what the caller gave. */
export function bookingOutcomeText(booking: Booking, now: Date): string {
  const when = speakSlot(booking.slot.start, { zone: booking.timezone, now });
  if (booking.status === 'booked') {
    const links = booking.calendly
      ? ` To reschedule: ${booking.calendly.rescheduleUrl} To cancel: ${booking.calendly.cancelUrl}`
      : '';
    return `You're booked for ${when}. A confirmation email is on its way to ${booking.email}.${links}`;
  }
  const reason =
    booking.failure?.code === 'slot_unavailable'
      ? 'that time was no longer available'
      : 'the calendar did not accept it';
  return `Sorry, we could not book ${when}: ${reason}. Please call us back to pick another time.`;
}
