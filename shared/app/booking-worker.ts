/**
 * Composition of booking-worker: one booking into Calendly, texting with the Twilio client of the
 * moment (rebuilt when its token rotates, ./rebuilt.ts).
 */
import { createSqsBookingQueue } from '../adapters/booking-queue.ts';
import { createDocumentClient } from '../adapters/dynamodb/client.ts';
import { createRateBudget } from '../adapters/dynamodb/rate-budget.ts';
import { createDynamoStore } from '../adapters/dynamodb/store.ts';
import { createTwilioSms } from '../adapters/twilio-sms.ts';
import { type Config, configSource } from '../config.ts';
import { systemClock } from '../domain/clock.ts';
import type { SmsPort } from '../domain/ports.ts';
import { processBooking } from '../domain/process-booking.ts';
import { bookingOutcomeText } from '../speech/booking-sms.ts';
import { calendlyPort, directoryOf } from './calendly.ts';
import { rebuiltOnChange } from './rebuilt.ts';

const clock = systemClock;

/** SMS through Twilio when an account, token and sender number are configured; otherwise none. */
export function smsSender(): (settings: Config) => SmsPort | null {
  return rebuiltOnChange(
    (s: Config) => [s.TWILIO_API_BASE_URL, s.TWILIO_ACCOUNT_SID, s.TWILIO_AUTH_TOKEN, s.TWILIO_PHONE_NUMBER],
    (s) =>
      s.TWILIO_ACCOUNT_SID && s.TWILIO_AUTH_TOKEN && s.TWILIO_PHONE_NUMBER
        ? createTwilioSms({
            baseUrl: s.TWILIO_API_BASE_URL,
            accountSid: s.TWILIO_ACCOUNT_SID,
            authToken: s.TWILIO_AUTH_TOKEN,
            from: s.TWILIO_PHONE_NUMBER,
          })
        : null,
  );
}

/** booking-worker: one booking into Calendly, with the SMS sender of the moment. */
export async function bookingWorkerServices() {
  const config = await configSource(['TABLE_NAME', 'BOOKING_QUEUE_URL', 'CALENDLY_API_TOKEN']);
  const first = await config.get();
  const documentClient = createDocumentClient();
  const calendly = calendlyPort(config.get);
  const stable = {
    store: createDynamoStore({ tableName: first.TABLE_NAME, documentClient }),
    calendly,
    directory: directoryOf(calendly, first, clock),
    budget: createRateBudget(documentClient, first.TABLE_NAME, {
      name: 'calendly-create-invitee',
      windows: [
        { name: 'minute', lengthMs: 60_000, limit: first.CALENDLY_BOOKINGS_PER_MINUTE },
        { name: 'hour', lengthMs: 3_600_000, limit: first.CALENDLY_BOOKINGS_PER_HOUR },
        { name: 'day', lengthMs: 86_400_000, limit: first.CALENDLY_BOOKINGS_PER_DAY },
      ],
    }),
    queue: createSqsBookingQueue({ queueUrl: first.BOOKING_QUEUE_URL }),
    outcomeText: bookingOutcomeText,
    clock,
  };
  const smsFor = smsSender();
  return {
    async processBooking(bookingId: string) {
      return await processBooking(bookingId, { ...stable, sms: smsFor(await config.get()) });
    },
  };
}
