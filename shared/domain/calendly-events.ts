/**
 * What a Calendly webhook changes here. A cancellation of a booking we made (our booking id in
 * tracking.utm_content, and the very invitee we created) frees our slot lock. Any invitee event means that
 * day's availability changed in Calendly, so the cached entries of that day, for every event type (they
 * share one host calendar), are invalidated and the next caller hears fresh times.
 *
 * Invitees with a phone number are mirrored under it (or forgotten when canceled), so a caller who phones
 * from that number finds appointments made on Calendly's own pages too.
 *
 * The effects are independent and idempotent: the cancellation runs first and never waits on the cache,
 * all are attempted, and a failure of any is thrown so the webhook answers 5xx and Calendly delivers it again.
 */
import type { Appointment } from './model.ts';
import { e164OrNull } from './phone.ts';
import type { AvailabilityCachePort, CancelOutcome, Store } from './ports.ts';

/** The parts of a Calendly invitee webhook we act on. */
export interface InviteeEvent {
  event: string;
  bookingId: string | null;
  /** The invitee the event is about (payload.uri). */
  inviteeUri: string | null;
  eventTypeUri: string | null;
  start: string | null;
  /** The invitee and its event, when the payload names them all. */
  appointment: Appointment | null;
  /** Numbers the invitee gave Calendly, as written (text reminders, a number to call, answers to questions). */
  phoneFields: (string | null | undefined)[];
}

/**
 * The E.164 numbers an invitee is tied to: what Calendly collected (a text-reminder number, the number the
 * host is to call, an answer to a phone-number question), written with or without spaces, dashes, dots or
 * brackets. Anything else is not a number we can match a caller against, and is ignored.
 */
export function phonesOf(fields: readonly (string | null | undefined)[]): string[] {
  const phones = fields.map((field) => e164OrNull(field?.replace(/[\s().-]/g, '')));
  return [...new Set(phones.filter((phone): phone is string => phone !== null))];
}

/** What handling one webhook did. */
export interface InviteeEventOutcome {
  /** Set for a cancellation carrying one of our booking ids: whether it freed that booking, and if not why. */
  cancellation: { bookingId: string; outcome: CancelOutcome } | null;
  invalidatedDays: string[];
  /** How many phone numbers the invitee was recorded under or forgotten from. */
  mirroredPhones: number;
}

/** Business days are keyed in the business zone, which is within a day of UTC: drop the UTC day and both neighbours. */
function daysAround(startIso: string): string[] {
  const at = Date.parse(startIso);
  return [-1, 0, 1].map((offset) => new Date(at + offset * 86_400_000).toISOString().slice(0, 10));
}

/** Applies one authenticated Calendly invitee event; throws when something worth a redelivery failed. */
export async function handleInviteeEvent(
  deps: { store: Pick<Store, 'bookings' | 'appointments'>; cache: AvailabilityCachePort },
  event: InviteeEvent,
  now: Date,
): Promise<InviteeEventOutcome> {
  const outcome: InviteeEventOutcome = { cancellation: null, invalidatedDays: [], mirroredPhones: 0 };
  if (event.event !== 'invitee.created' && event.event !== 'invitee.canceled') return outcome;
  let failure: unknown = null;
  if (event.event === 'invitee.canceled' && event.bookingId) {
    try {
      // Without the invitee we cannot tell our booking from a stranger's that reuses its id: leave it booked.
      const result = event.inviteeUri
        ? await deps.store.bookings.markCanceled(event.bookingId, event.inviteeUri, now)
        : 'other_invitee';
      outcome.cancellation = { bookingId: event.bookingId, outcome: result };
    } catch (error) {
      failure = error;
    }
  }
  const { appointment } = event;
  const phones = phonesOf(event.phoneFields);
  if (appointment && phones.length > 0) {
    try {
      const { appointments } = deps.store;
      const upcoming = event.event === 'invitee.created' && Date.parse(appointment.start) > now.getTime();
      await Promise.all(
        phones.map((phone) =>
          upcoming ? appointments.record(phone, appointment) : appointments.forget(phone, appointment),
        ),
      );
      outcome.mirroredPhones = phones.length;
    } catch (error) {
      failure ??= error;
    }
  }
  if (event.start && !Number.isNaN(Date.parse(event.start))) {
    const days = daysAround(event.start);
    try {
      await Promise.all(days.map((day) => deps.cache.invalidate(day, now)));
      outcome.invalidatedDays = days;
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== null) throw failure;
  return outcome;
}
