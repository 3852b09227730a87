/**
 * Composition of booking-sweeper: the safety net that re-enqueues overdue bookings.
 */
import { createSqsBookingQueue } from '../adapters/booking-queue.ts';
import { createDynamoStore } from '../adapters/dynamodb/store.ts';
import { configSource } from '../config.ts';
import { systemClock } from '../domain/clock.ts';
import { sweepOverdue } from '../domain/sweep.ts';

const clock = systemClock;

/** booking-sweeper: the safety net that re-enqueues overdue bookings. */
export async function bookingSweeperServices() {
  const config = await configSource(['TABLE_NAME', 'BOOKING_QUEUE_URL']);
  const first = await config.get();
  const deps = {
    store: createDynamoStore({ tableName: first.TABLE_NAME }),
    queue: createSqsBookingQueue({ queueUrl: first.BOOKING_QUEUE_URL }),
  };
  return { sweep: () => sweepOverdue(deps, clock.now()) };
}
