/**
 * SQS-driven booking worker. Each record names one booking; Powertools batch processing reports only the
 * records that failed so SQS redelivers just those. A malformed message is logged and dropped (a retry
 * cannot fix it); a booking that must wait (Calendly budget, 429, outage) is re-enqueued with a delay by
 * the use case and counts as processed, so waiting never walks a booking into the dead-letter queue.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.ts';
import { createRateBudget } from '../../shared/adapters/dynamodb/rate-budget.ts';
import { createDynamoStore } from '../../shared/adapters/dynamodb/store.ts';
import { createBookingQueue, createCalendly, createSms } from '../../shared/adapters/factories.ts';
import { configSource } from '../../shared/config.ts';
import { createCalendarDirectory } from '../../shared/domain/calendar-directory.ts';
import { systemClock } from '../../shared/domain/ports.ts';
import { processBooking } from '../../shared/domain/process-booking.ts';
import { logger, metrics } from '../../shared/observability.ts';
import { BookingMessageSchema } from './schema.ts';

const config = await configSource(['TABLE_NAME', 'BOOKING_QUEUE_URL', 'CALENDLY_API_TOKEN']);
const settings = await config.get();

const clock = systemClock;
const documentClient = createDocumentClient();
const store = createDynamoStore({ tableName: settings.TABLE_NAME, documentClient });
const calendly = createCalendly(config);
const deps = {
  store,
  calendly,
  directory: createCalendarDirectory({ calendly, clock, businessTimezone: settings.BUSINESS_TIMEZONE }),
  budget: createRateBudget(documentClient, settings.TABLE_NAME, {
    name: 'calendly-create-invitee',
    windows: [
      { name: 'minute', lengthMs: 60_000, limit: settings.CALENDLY_BOOKINGS_PER_MINUTE },
      { name: 'hour', lengthMs: 3_600_000, limit: settings.CALENDLY_BOOKINGS_PER_HOUR },
      { name: 'day', lengthMs: 86_400_000, limit: settings.CALENDLY_BOOKINGS_PER_DAY },
    ],
  }),
  queue: createBookingQueue(settings),
  sms: createSms(settings),
  clock,
};

async function handleRecord(record: SQSRecord): Promise<void> {
  let bookingId: string;
  try {
    bookingId = BookingMessageSchema.parse(JSON.parse(record.body)).bookingId;
  } catch {
    logger.error('malformed booking message dropped', { messageId: record.messageId });
    metrics.addMetric('BookingMessageMalformed', 'Count', 1);
    return;
  }
  const outcome = await processBooking(bookingId, deps);
  switch (outcome.kind) {
    case 'booked':
      logger.info('booking confirmed', {
        bookingId,
        reconciled: outcome.reconciled,
        attempts: outcome.booking.attempts,
      });
      metrics.addMetric(outcome.reconciled ? 'BookingReconciled' : 'BookingConfirmed', 'Count', 1);
      break;
    case 'failed':
      logger.warn('booking failed', { bookingId, code: outcome.code });
      metrics.addMetric('BookingFailed', 'Count', 1);
      break;
    case 'deferred':
      logger.info('booking deferred', {
        bookingId,
        reason: outcome.reason,
        retryAfterSeconds: outcome.retryAfterSeconds,
      });
      metrics.addMetric('BookingDeferred', 'Count', 1);
      break;
    case 'skipped':
      logger.info('booking message skipped', { bookingId, reason: outcome.reason });
      break;
  }
}

// A processor per batch: a processor keeps the batch's failures in its own state, so one shared by two batches
// running at once (the local stack does this; Lambda need not promise it never will) lets the second batch
// wipe the first one's failures, and SQS then deletes messages that failed.
export const handler = middy(async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, handleRecord, new BatchProcessor(EventType.SQS), {
    context,
    throwOnFullBatchFailure: false,
  }),
)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
