/**
 * The booking sweeper: every few minutes, the domain's sweep (shared/domain/sweep.ts), the retry of
 * voicemail alerts still owed (shared/domain/voicemails.ts) and the refresh of the shared Calendly directory
 * snapshot when it is old (shared/domain/calendar-directory.ts), with metrics.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { bookingSweeperServices } from '../../shared/app/booking-sweeper.ts';
import { logger, metrics } from '../../shared/observability.ts';

const services = await bookingSweeperServices();

/** Re-enqueues overdue bookings, retries owed voicemail alerts, refreshes an old directory; returns what it did. */
export const handler = middy(async () => {
  // Independent jobs: one failing (SQS down, say) must not keep the others from running.
  const [bookings, voicemails, directory] = await Promise.allSettled([
    services.sweep(),
    services.retryVoicemailAlerts(),
    services.refreshDirectory(),
  ]);
  // A directory that cannot be refreshed (Calendly down) is still served as it is: a warning, not a failure
  // of the safety net's own alarm.
  if (directory.status === 'rejected') {
    metrics.addMetric('DirectoryRefreshFailed', 'Count', 1);
    logger.warn('directory refresh failed', { error: directory.reason as Error });
  } else if (directory.value.kind === 'refreshed') {
    metrics.addMetric('DirectoryRefreshed', 'Count', 1);
  }
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
  return {
    ...result,
    voicemails: voicemails.value,
    directory: directory.status === 'fulfilled' ? directory.value : { kind: 'failed' as const },
  };
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
