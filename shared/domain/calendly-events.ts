/**
 * What a Calendly webhook changes here. A cancellation of a booking we made (our booking id in
 * tracking.utm_content, and the very invitee we created) frees our slot lock. Any invitee event means that
 * day's availability changed in Calendly, so the cached entries of that day, for every event type (they
 * share one host calendar), are invalidated and the next caller hears fresh times.
 *
 * The two effects are independent and idempotent: the cancellation runs first and never waits on the
 * cache, both are attempted, and a failure of either is thrown so the webhook answers 5xx and Calendly
 * delivers it again.
 */
import type { AvailabilityCachePort, CancelOutcome, Store } from './ports.ts';

/** The parts of a Calendly invitee webhook we act on. */
export interface InviteeEvent {
  event: string;
  bookingId: string | null;
  /** The invitee the event is about (payload.uri). */
  inviteeUri: string | null;
  eventTypeUri: string | null;
  start: string | null;
}

/** What handling one webhook did. */
export interface InviteeEventOutcome {
  /** Set for a cancellation carrying one of our booking ids: whether it freed that booking, and if not why. */
  cancellation: { bookingId: string; outcome: CancelOutcome } | null;
  invalidatedDays: string[];
}

/** Business days are keyed in the business zone, which is within a day of UTC: drop the UTC day and both neighbours. */
function daysAround(startIso: string): string[] {
  const at = Date.parse(startIso);
  return [-1, 0, 1].map((offset) => new Date(at + offset * 86_400_000).toISOString().slice(0, 10));
}

/** Applies one authenticated Calendly invitee event; throws when something worth a redelivery failed. */
export async function handleInviteeEvent(
  deps: { store: Pick<Store, 'bookings'>; cache: AvailabilityCachePort },
  event: InviteeEvent,
  now: Date,
): Promise<InviteeEventOutcome> {
  const outcome: InviteeEventOutcome = { cancellation: null, invalidatedDays: [] };
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
