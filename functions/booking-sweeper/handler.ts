/** The booking sweeper: every few minutes, the domain's sweep (shared/domain/sweep.ts) with metrics. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { bookingSweeperServices } from '../../shared/app/booking-sweeper.ts';
import { logger, metrics } from '../../shared/observability.ts';

const services = await bookingSweeperServices();

/** Re-enqueues overdue bookings; returns how many, and how overdue the oldest was. */
export const handler = middy(async () => {
  const result = await services.sweep();
  metrics.addMetric('BookingsRequeued', 'Count', result.requeued);
  metrics.addMetric('OldestOverdueBookingSeconds', 'Seconds', result.oldestOverdueSeconds);
  if (result.requeued > 0) logger.warn('overdue bookings re-enqueued', { ...result });
  return result;
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
