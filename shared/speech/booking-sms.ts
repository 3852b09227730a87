/** The texts a caller gets: their booking is made, could not be made, or an appointment is canceled. */
import type { Booking } from '../domain/model.ts';
import type { CallerTexts } from '../domain/ports.ts';
import { speakSlot } from './time.ts';

/** The SMS text for a finished or canceled booking: plain, short, no personal data beyond what the caller gave. */
export function bookingOutcomeText(booking: Booking, now: Date): string {
  const when = speakSlot(booking.slot.start, { zone: booking.timezone, now });
  const before = booking.replaces ? speakSlot(booking.replaces.start, { zone: booking.timezone, now }) : null;
  if (booking.status === 'canceled') return canceledText(when);
  if (booking.status === 'booked') {
    const links = booking.calendly
      ? ` To reschedule: ${booking.calendly.rescheduleUrl} To cancel: ${booking.calendly.cancelUrl}`
      : '';
    const what = before
      ? `Your appointment is moved to ${when} (it was ${before})`
      : `You're booked for ${when}`;
    return `${what}. A confirmation email is on its way to ${booking.email}.${links}`;
  }
  const reason =
    booking.failure?.code === 'slot_unavailable'
      ? 'that time was no longer available'
      : 'the calendar did not accept it';
  if (before) {
    return `Sorry, we could not move your appointment to ${when}: ${reason}. Your appointment for ${before} stays as it was.`;
  }
  return `Sorry, we could not book ${when}: ${reason}. Please call us back to pick another time.`;
}

/** The SMS text for an appointment canceled at the caller's request. */
export function appointmentCanceledText(startIso: string, zone: string, now: Date): string {
  return canceledText(speakSlot(startIso, { zone, now }));
}

function canceledText(when: string): string {
  return `Your appointment for ${when} is canceled. Call us any time to book another.`;
}

export const CALLER_TEXTS: CallerTexts = {
  aboutBooking: bookingOutcomeText,
  appointmentCanceled: appointmentCanceledText,
};
