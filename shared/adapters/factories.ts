/** Builds vendor adapters from configuration, so every function wires them the same way. */
import type { Config } from '../config.ts';
import type { BookingQueuePort, CalendlyPort, SmsPort } from '../domain/ports.ts';
import { createSqsBookingQueue } from './booking-queue.ts';
import { createCalendlyClient } from './calendly/client.ts';
import { createTwilioSms } from './twilio-sms.ts';

type CalendlySettings = Pick<Config, 'CALENDLY_API_BASE_URL'> & { CALENDLY_API_TOKEN: string };

/**
 * The Calendly client for the configured account (the sandbox's URL and token when running locally). It
 * reads the settings on every call - an in-memory read, the secret is cached - and rebuilds the client when
 * the token changes, so a rotated token takes effect in warm containers too.
 */
export function createCalendly(source: { get(): Promise<CalendlySettings> }): CalendlyPort {
  let current: { baseUrl: string; token: string; client: CalendlyPort } | null = null;
  const client = async (): Promise<CalendlyPort> => {
    const { CALENDLY_API_BASE_URL: baseUrl, CALENDLY_API_TOKEN: token } = await source.get();
    if (current?.baseUrl !== baseUrl || current.token !== token) {
      current = { baseUrl, token, client: createCalendlyClient({ baseUrl, token }) };
    }
    return current.client;
  };
  return {
    getCurrentUser: async () => (await client()).getCurrentUser(),
    listEventTypes: async (userUri) => (await client()).listEventTypes(userUri),
    getEventType: async (uri) => (await client()).getEventType(uri),
    listAvailableTimes: async (uri, startIso, endIso) =>
      (await client()).listAvailableTimes(uri, startIso, endIso),
    createInvitee: async (input) => (await client()).createInvitee(input),
    findInviteeByTracking: async (query) => (await client()).findInviteeByTracking(query),
  };
}

export function createBookingQueue(config: { BOOKING_QUEUE_URL: string }): BookingQueuePort {
  return createSqsBookingQueue({ queueUrl: config.BOOKING_QUEUE_URL });
}

/** SMS through Twilio when an account, token and sender number are configured; otherwise none. */
export function createSms(config: Config): SmsPort | null {
  if (!config.TWILIO_ACCOUNT_SID || !config.TWILIO_AUTH_TOKEN || !config.TWILIO_PHONE_NUMBER) return null;
  return createTwilioSms({
    baseUrl: config.TWILIO_API_BASE_URL,
    accountSid: config.TWILIO_ACCOUNT_SID,
    authToken: config.TWILIO_AUTH_TOKEN,
    from: config.TWILIO_PHONE_NUMBER,
  });
}
