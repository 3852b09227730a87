/**
 * POST /calendly/webhook. The Calendly-Webhook-Signature (t=, v1=) is verified over the raw body, with a
 * stale `t` rejected, before anything is read or written (401 otherwise). Invitee events drop the cached
 * availability of that day; a cancellation of one of our bookings frees its slot. Answers 200 quickly, and
 * 5xx only for failures worth Calendly's retry (it retries with back-off for a day).
 */
import { createAvailabilityCache } from '../../shared/adapters/dynamodb/availability-cache.ts';
import { createBookingRepository } from '../../shared/adapters/dynamodb/booking-repository.ts';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.ts';
import { configSource } from '../../shared/config.ts';
import { handleInviteeEvent } from '../../shared/domain/calendly-events.ts';
import { systemClock } from '../../shared/domain/ports.ts';
import { calendlyAuthenticator } from '../../shared/http/authenticators.ts';
import { httpHandler } from '../../shared/http/http-handler.ts';
import { json } from '../../shared/http/responses.ts';
import { logger, metrics } from '../../shared/observability.ts';
import { CalendlyWebhookSchema } from './schema.ts';

const config = await configSource(['TABLE_NAME', 'CALENDLY_WEBHOOK_SIGNING_KEY']);
const settings = await config.get();
const documentClient = createDocumentClient();
const deps = {
  store: { bookings: createBookingRepository(documentClient, settings.TABLE_NAME) },
  cache: createAvailabilityCache(documentClient, settings.TABLE_NAME),
};

export const handler = httpHandler({
  authenticate: calendlyAuthenticator({
    signingKey: async () => (await config.get()).CALENDLY_WEBHOOK_SIGNING_KEY,
  }),
  parse: 'json',
  schema: CalendlyWebhookSchema,
  async handle({ body }) {
    const outcome = await handleInviteeEvent(
      deps,
      {
        event: body.event,
        bookingId: body.payload.tracking?.utm_content ?? null,
        eventTypeUri: body.payload.scheduled_event?.event_type ?? null,
        start: body.payload.scheduled_event?.start_time ?? null,
      },
      systemClock.now(),
    );
    if (outcome.canceledBookingId) {
      metrics.addMetric('BookingCanceledInCalendly', 'Count', 1);
      logger.info('booking canceled in calendly', { bookingId: outcome.canceledBookingId });
    }
    logger.info('calendly webhook handled', {
      event: body.event,
      invalidatedDays: outcome.invalidatedDays.length,
    });
    return json(200, { received: true });
  },
});
