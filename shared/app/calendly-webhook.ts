/**
 * Composition of calendly-webhook: invitee events against our bookings, the phone mirror and the availability cache.
 */
import { createAppointmentMirror } from '../adapters/dynamodb/appointment-mirror.ts';
import { createAvailabilityCache } from '../adapters/dynamodb/availability-cache.ts';
import { createBookingRepository } from '../adapters/dynamodb/booking-repository.ts';
import { createDocumentClient } from '../adapters/dynamodb/client.ts';
import { configSource } from '../config.ts';
import { handleInviteeEvent, type InviteeEvent } from '../domain/calendly-events.ts';
import { systemClock } from '../domain/clock.ts';

const clock = systemClock;

/** calendly-webhook: invitee events. */
export async function calendlyWebhookServices() {
  const config = await configSource(['TABLE_NAME', 'CALENDLY_WEBHOOK_SIGNING_KEY']);
  const first = await config.get();
  const documentClient = createDocumentClient();
  // Bookings and the phone mirror only: the slot lock and call repositories are not this function's to touch.
  const store = {
    bookings: createBookingRepository(documentClient, first.TABLE_NAME),
    appointments: createAppointmentMirror(documentClient, first.TABLE_NAME),
  };
  const cache = createAvailabilityCache(documentClient, first.TABLE_NAME);
  return {
    settings: config.get,
    handleInviteeEvent: (event: InviteeEvent) => handleInviteeEvent({ store, cache }, event, clock.now()),
  };
}
