/**
 * What a Calendly webhook changes here. Any invitee event means that day's availability changed in
 * Calendly, so the shared cache entries around it are dropped and the next caller hears fresh times.
 * A cancellation of a booking we made (our booking id in tracking.utm_content) frees our slot lock too.
 */
import type { AvailabilityCachePort, Store } from './ports.ts';

export interface InviteeEvent {
  event: string;
  bookingId: string | null;
  eventTypeUri: string | null;
  start: string | null;
}

export interface InviteeEventOutcome {
  canceledBookingId: string | null;
  invalidatedDays: string[];
}

/** Business days are keyed in the business zone, which is within a day of UTC: drop the UTC day and both neighbours. */
function daysAround(startIso: string): string[] {
  const at = Date.parse(startIso);
  return [-1, 0, 1].map((offset) => new Date(at + offset * 86_400_000).toISOString().slice(0, 10));
}

export async function handleInviteeEvent(
  deps: { store: Pick<Store, 'bookings'>; cache: AvailabilityCachePort },
  event: InviteeEvent,
  now: Date,
): Promise<InviteeEventOutcome> {
  const outcome: InviteeEventOutcome = { canceledBookingId: null, invalidatedDays: [] };
  if (event.event !== 'invitee.created' && event.event !== 'invitee.canceled') return outcome;
  if (event.eventTypeUri && event.start && !Number.isNaN(Date.parse(event.start))) {
    const eventTypeUri = event.eventTypeUri;
    outcome.invalidatedDays = daysAround(event.start);
    await Promise.all(outcome.invalidatedDays.map((day) => deps.cache.invalidate(eventTypeUri, day)));
  }
  if (event.event === 'invitee.canceled' && event.bookingId) {
    if (await deps.store.bookings.markCanceled(event.bookingId, now))
      outcome.canceledBookingId = event.bookingId;
  }
  return outcome;
}
