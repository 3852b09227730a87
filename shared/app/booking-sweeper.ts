/**
 * Composition of booking-sweeper: the safety net that re-enqueues overdue bookings and retries the
 * business's voicemail alerts that failed.
 */
import { createSqsBookingQueue } from '../adapters/booking-queue.ts';
import { createDynamoStore } from '../adapters/dynamodb/store.ts';
import { configSource } from '../config.ts';
import { systemClock } from '../domain/clock.ts';
import { sweepOverdue } from '../domain/sweep.ts';
import { retryVoicemailAlerts } from '../domain/voicemails.ts';
import { voicemailAlerts } from './voicemail-alerts.ts';

const clock = systemClock;

/** booking-sweeper: overdue bookings back on the queue, owed voicemail alerts sent again. */
export async function bookingSweeperServices() {
  const config = await configSource(['TABLE_NAME', 'BOOKING_QUEUE_URL']);
  const first = await config.get();
  const store = createDynamoStore({ tableName: first.TABLE_NAME });
  const queue = createSqsBookingQueue({ queueUrl: first.BOOKING_QUEUE_URL });
  const alerts = voicemailAlerts(first, config.get);
  return {
    sweep: () => sweepOverdue({ store, queue }, clock.now()),
    retryVoicemailAlerts: () => retryVoicemailAlerts({ store, alerts }, clock.now()),
  };
}
