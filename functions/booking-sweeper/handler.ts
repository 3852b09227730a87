/**
 * The booking sweeper: every few minutes, the domain's sweep (shared/domain/sweep.ts) and the retry of
 * voicemail alerts still owed (shared/domain/voicemails.ts), with metrics.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { bookingSweeperServices } from '../../shared/app/booking-sweeper.ts';
import { logger, metrics } from '../../shared/observability.ts';

const services = await bookingSweeperServices();

/** Re-enqueues overdue bookings and retries owed voicemail alerts; returns what it did. */
export const handler = middy(async () => {
  const result = await services.sweep();
  metrics.addMetric('BookingsRequeued', 'Count', result.requeued);
  metrics.addMetric('OldestOverdueBookingSeconds', 'Seconds', result.oldestOverdueSeconds);
  if (result.requeued > 0) logger.warn('overdue bookings re-enqueued', { ...result });
  const voicemails = await services.retryVoicemailAlerts();
  metrics.addMetric('VoicemailAlertsRetried', 'Count', voicemails.retried);
  if (voicemails.stillOwed > 0) logger.warn('voicemail alerts still failing', { ...voicemails });
  return { ...result, voicemails };
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
