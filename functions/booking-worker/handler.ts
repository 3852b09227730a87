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
import { bookingWorkerServices } from '../../shared/app/booking-worker.ts';
import { logger, metrics } from '../../shared/observability.ts';
import { BookingMessageSchema } from './schema.ts';

const services = await bookingWorkerServices();

async function handleRecord(record: SQSRecord): Promise<void> {
  let bookingId: string;
  try {
    bookingId = BookingMessageSchema.parse(JSON.parse(record.body)).bookingId;
  } catch {
    logger.error('malformed booking message dropped', { messageId: record.messageId });
    metrics.addMetric('BookingMessageMalformed', 'Count', 1);
    return;
  }
  const outcome = await services.processBooking(bookingId);
  switch (outcome.kind) {
    case 'booked':
      logger.info('booking confirmed', {
        bookingId,
        reconciled: outcome.reconciled,
        attempts: outcome.booking.attempts,
      });
      metrics.addMetric(outcome.reconciled ? 'BookingReconciled' : 'BookingConfirmed', 'Count', 1);
      break;
    case 'canceled':
      logger.info('booking cancellation finished', { bookingId });
      metrics.addMetric('BookingCancellationFinished', 'Count', 1);
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
