/**
 * Composition of booking-sweeper: the safety net that re-enqueues overdue bookings and retries the
 * business's voicemail alerts that failed, and the keeper of the shared Calendly directory snapshot (it
 * re-reads Calendly when the snapshot is old, so callers never wait for it).
 */
import { createSqsBookingQueue } from '../adapters/booking-queue.ts';
import { createDynamoStore } from '../adapters/dynamodb/store.ts';
import { configSource } from '../config.ts';
import { refreshDirectorySnapshot } from '../domain/calendar-directory.ts';
import { systemClock } from '../domain/clock.ts';
import { sweepOverdue } from '../domain/sweep.ts';
import { retryVoicemailAlerts } from '../domain/voicemails.ts';
import { calendlyPort } from './calendly.ts';
import { voicemailAlerts } from './voicemail-alerts.ts';

const clock = systemClock;

/** booking-sweeper: overdue bookings back on the queue, owed voicemail alerts sent again, the directory kept fresh. */
export async function bookingSweeperServices() {
  const config = await configSource(['TABLE_NAME', 'BOOKING_QUEUE_URL', 'CALENDLY_API_TOKEN']);
  const first = await config.get();
  const store = createDynamoStore({ tableName: first.TABLE_NAME });
  const queue = createSqsBookingQueue({ queueUrl: first.BOOKING_QUEUE_URL });
  const alerts = voicemailAlerts(first, config.get);
  // Rebuilt when the token rotates, like every function's Calendly port (./rebuilt.ts).
  const calendly = calendlyPort(config.get);
  return {
    refreshDirectory: () =>
      refreshDirectorySnapshot({
        calendly,
        clock,
        snapshots: store.directory,
        defaultEventTypeUri: first.CALENDLY_EVENT_TYPE_URI,
      }),
    sweep: () => sweepOverdue({ store, queue }, clock.now()),
    retryVoicemailAlerts: () => retryVoicemailAlerts({ store, alerts }, clock.now()),
  };
}
