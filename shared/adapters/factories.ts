/** Builds vendor adapters from configuration, so every function wires them the same way. */
import type { Config } from '../config.ts';
import type { BookingQueuePort, CalendlyPort, SmsPort } from '../domain/ports.ts';
import { createSqsBookingQueue } from './booking-queue.ts';
import { createCalendlyClient } from './calendly/client.ts';
import { createTwilioSms } from './twilio-sms.ts';

/** The Calendly client for the configured account (the sandbox's URL and token when running locally). */
export function createCalendly(
  config: Pick<Config, 'CALENDLY_API_BASE_URL'> & { CALENDLY_API_TOKEN: string },
): CalendlyPort {
  return createCalendlyClient({ baseUrl: config.CALENDLY_API_BASE_URL, token: config.CALENDLY_API_TOKEN });
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
