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
  // Two independent jobs: one failing (SQS down, say) must not keep the other from running.
  const [bookings, voicemails] = await Promise.allSettled([
    services.sweep(),
    services.retryVoicemailAlerts(),
  ]);
  if (voicemails.status === 'fulfilled') {
    const retried = voicemails.value;
    metrics.addMetric('VoicemailAlertsRetried', 'Count', retried.retried);
    if (retried.stillOwed > 0) logger.warn('voicemail alerts still failing', { ...retried });
    if (retried.abandoned > 0) {
      metrics.addMetric('VoicemailAlertsAbandoned', 'Count', retried.abandoned);
      logger.error('voicemail alerts abandoned after a day of failures', { ...retried });
    }
  }
  if (bookings.status === 'rejected') throw bookings.reason;
  if (voicemails.status === 'rejected') throw voicemails.reason;
  const result = bookings.value;
  metrics.addMetric('BookingsRequeued', 'Count', result.requeued);
  metrics.addMetric('OldestOverdueBookingSeconds', 'Seconds', result.oldestOverdueSeconds);
  if (result.requeued > 0) logger.warn('overdue bookings re-enqueued', { ...result });
  return { ...result, voicemails: voicemails.value };
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
