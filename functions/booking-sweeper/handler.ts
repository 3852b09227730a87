/**
 * The safety net under "a confirmed booking is never lost": every few minutes, re-enqueue bookings that
 * are overdue (their queue message was never sent, was lost, or the worker died mid-post). Duplicates are
 * harmless: the worker claims a booking before touching Calendly and ignores copies that come too early.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { createDynamoStore } from '../../shared/adapters/dynamodb/store.ts';
import { createBookingQueue } from '../../shared/adapters/factories.ts';
import { configSource } from '../../shared/config.ts';
import { systemClock } from '../../shared/domain/ports.ts';
import { logger, metrics } from '../../shared/observability.ts';

/** A booking this far past due has missed its message; younger ones are still on their way. */
const OVERDUE_GRACE_MS = 60_000;
const BATCH = 50;

const config = await configSource(['TABLE_NAME', 'BOOKING_QUEUE_URL']);
const settings = await config.get();
const store = createDynamoStore({ tableName: settings.TABLE_NAME });
const queue = createBookingQueue(settings);

/** Re-enqueues overdue bookings; returns how many, and how overdue the oldest was. */
export async function sweep(now: Date): Promise<{ requeued: number; oldestOverdueSeconds: number }> {
  const due = await store.bookings.listDue(new Date(now.getTime() - OVERDUE_GRACE_MS), BATCH);
  for (const booking of due) await queue.enqueue(booking.bookingId);
  const oldest = due[0];
  return {
    requeued: due.length,
    oldestOverdueSeconds: oldest ? Math.round((now.getTime() - oldest.dueAt) / 1000) : 0,
  };
}

export const handler = middy(async () => {
  const result = await sweep(systemClock.now());
  metrics.addMetric('BookingsRequeued', 'Count', result.requeued);
  metrics.addMetric('OldestOverdueBookingSeconds', 'Seconds', result.oldestOverdueSeconds);
  if (result.requeued > 0) logger.warn('overdue bookings re-enqueued', result);
  return result;
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
