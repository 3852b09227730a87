/**
 * Composition of booking-worker: one booking into Calendly, texting with the Twilio client of the
 * moment (./sms.ts).
 */
import { createSqsBookingQueue } from '../adapters/booking-queue.ts';
import { createDocumentClient } from '../adapters/dynamodb/client.ts';
import { createRateBudget } from '../adapters/dynamodb/rate-budget.ts';
import { createDynamoStore } from '../adapters/dynamodb/store.ts';
import { configSource } from '../config.ts';
import { systemClock } from '../domain/clock.ts';
import { processBooking } from '../domain/process-booking.ts';
import { CALLER_TEXTS } from '../speech/booking-sms.ts';
import { calendlyPort, directoryOf } from './calendly.ts';
import { smsSender } from './twilio.ts';

const clock = systemClock;

/** booking-worker: one booking into Calendly, with the SMS sender of the moment. */
export async function bookingWorkerServices() {
  const config = await configSource(['TABLE_NAME', 'BOOKING_QUEUE_URL', 'CALENDLY_API_TOKEN']);
  const first = await config.get();
  const documentClient = createDocumentClient();
  const calendly = calendlyPort(config.get);
  const store = createDynamoStore({ tableName: first.TABLE_NAME, documentClient });
  const stable = {
    store,
    calendly,
    directory: directoryOf(calendly, store.directory, first, clock),
    budget: createRateBudget(documentClient, first.TABLE_NAME, {
      name: 'calendly-create-invitee',
      windows: [
        { name: 'minute', lengthMs: 60_000, limit: first.CALENDLY_BOOKINGS_PER_MINUTE },
        { name: 'hour', lengthMs: 3_600_000, limit: first.CALENDLY_BOOKINGS_PER_HOUR },
        { name: 'day', lengthMs: 86_400_000, limit: first.CALENDLY_BOOKINGS_PER_DAY },
      ],
    }),
    queue: createSqsBookingQueue({ queueUrl: first.BOOKING_QUEUE_URL }),
    texts: CALLER_TEXTS,
    clock,
  };
  const smsFor = smsSender();
  return {
    async processBooking(bookingId: string) {
      return await processBooking(bookingId, { ...stable, sms: smsFor(await config.get()) });
    },
  };
}
