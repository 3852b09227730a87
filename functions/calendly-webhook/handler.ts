/**
 * POST /calendly/webhook. The Calendly-Webhook-Signature (t=, v1=) is verified over the raw body, with a
 * stale `t` rejected, before anything is read or written (401 otherwise). A cancellation of one of our
 * bookings, by the invitee we booked, frees its slot; an invitee with a phone number is mirrored under it (and
 * forgotten when canceled); every invitee event invalidates the cached availability of its day. Answers 200 quickly, and 5xx only for failures worth Calendly's retry (it retries
 * with back-off for a day). A signed body we cannot read is acknowledged with 200: Calendly would retry it
 * for a day and then disable the subscription, and no retry can make it readable.
 */
import { calendlyWebhookServices } from '../../shared/app/calendly-webhook.ts';
import { calendlyAuthenticator } from '../../shared/http/authenticators.ts';
import { httpHandler } from '../../shared/http/http-handler.ts';
import type { HttpFailure } from '../../shared/http/middlewares.ts';
import { type HttpResponse, json } from '../../shared/http/responses.ts';
import { logger, metrics } from '../../shared/observability.ts';
import { CalendlyWebhookSchema } from './schema.ts';

const services = await calendlyWebhookServices();

/** Client errors of an authenticated request are bodies we cannot read: acknowledge them, see above. */
function calendlyErrorResponse(failure: HttpFailure): HttpResponse | undefined {
  const unreadable = failure.error.code === 'bad_request' || failure.error.code === 'unsupported_media_type';
  if (!failure.authenticated || !unreadable) return undefined;
  // The code and field names only: the body is the invitee's personal data.
  logger.warn('calendly webhook not understood, acknowledged', { code: failure.error.code });
  metrics.addMetric('WebhookNotUnderstood', 'Count', 1);
  return json(200, { received: true });
}

/** Lambda entry for POST /calendly/webhook. */
export const handler = httpHandler({
  authenticate: calendlyAuthenticator({
    signingKey: async () => (await services.settings()).CALENDLY_WEBHOOK_SIGNING_KEY,
  }),
  parse: 'json',
  schema: CalendlyWebhookSchema,
  async handle({ body }) {
    const { payload } = body;
    const scheduled = payload.scheduled_event;
    const eventUri = scheduled?.uri ?? payload.event;
    const outcome = await services.handleInviteeEvent({
      event: body.event,
      bookingId: payload.tracking?.utm_content ?? null,
      inviteeUri: payload.uri ?? null,
      eventTypeUri: scheduled?.event_type ?? null,
      start: scheduled?.start_time ?? null,
      appointment:
        payload.uri && eventUri && scheduled?.event_type && scheduled.start_time && payload.email
          ? {
              eventUri,
              inviteeUri: payload.uri,
              eventTypeUri: scheduled.event_type,
              start: new Date(Date.parse(scheduled.start_time)).toISOString(),
              name: payload.name ?? '',
              email: payload.email,
              // A booking id in the payload is anyone's to write (public links take utm_content): never trusted.
              bookingId: null,
            }
          : null,
      phoneFields: [
        payload.text_reminder_number,
        scheduled?.location?.type === 'outbound_call' ? scheduled.location.location : null,
        ...(payload.questions_and_answers ?? []).map((item) => item.answer),
      ],
    });
    const { cancellation } = outcome;
    if (cancellation?.outcome === 'canceled') {
      metrics.addMetric('BookingCanceledInCalendly', 'Count', 1);
      logger.info('booking canceled in calendly', { bookingId: cancellation.bookingId });
    } else if (cancellation?.outcome === 'other_invitee') {
      // Our booking id on someone else's invitee: a public-link booking reusing it, or a forged cancel.
      metrics.addMetric('CancellationOfOtherInviteeIgnored', 'Count', 1);
      logger.warn('cancellation of another invitee ignored', { bookingId: cancellation.bookingId });
    }
    logger.info('calendly webhook handled', {
      event: body.event,
      cancellation: cancellation?.outcome,
      invalidatedDays: outcome.invalidatedDays.length,
      mirroredPhones: outcome.mirroredPhones,
    });
    return json(200, { received: true });
  },
  onError: calendlyErrorResponse,
});
