/** The booking sweeper: every few minutes, the domain's sweep (shared/domain/sweep.ts) with metrics. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { createDynamoStore } from '../../shared/adapters/dynamodb/store.ts';
import { createBookingQueue } from '../../shared/adapters/factories.ts';
import { configSource } from '../../shared/config.ts';
import { systemClock } from '../../shared/domain/ports.ts';
import { sweepOverdue } from '../../shared/domain/sweep.ts';
import { logger, metrics } from '../../shared/observability.ts';

const config = await configSource(['TABLE_NAME', 'BOOKING_QUEUE_URL']);
const settings = await config.get();
const store = createDynamoStore({ tableName: settings.TABLE_NAME });
const queue = createBookingQueue(settings);

/** Re-enqueues overdue bookings; returns how many, and how overdue the oldest was. */
export const sweep = (now: Date) => sweepOverdue({ store, queue }, now);

export const handler = middy(async () => {
  const result = await sweep(systemClock.now());
  metrics.addMetric('BookingsRequeued', 'Count', result.requeued);
  metrics.addMetric('OldestOverdueBookingSeconds', 'Seconds', result.oldestOverdueSeconds);
  if (result.requeued > 0) logger.warn('overdue bookings re-enqueued', { ...result });
  return result;
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
