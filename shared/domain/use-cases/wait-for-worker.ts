/** The caller's short wait for the booking worker, after a tool queued a booking: done, or still pending. */
import { sleep } from '../clock.ts';
import type { Booking } from '../model.ts';
import type { UseCaseDeps } from './deps.ts';

/**
 * The booking once the worker has booked or failed it, or as it is when the wait runs out. A booking
 * `justQueued` cannot be done yet: the first look is one poll interval on.
 */
export async function waitForWorker(
  bookingId: string,
  deps: UseCaseDeps,
  options: { justQueued?: boolean } = {},
): Promise<Booking | null> {
  const deadline = deps.clock.now().getTime() + deps.settings.confirmWaitMs;
  const inProgress = (booking: Booking | null) =>
    booking?.status === 'queued' || booking?.status === 'posting';
  if (options.justQueued) await sleep(deps.clock, deps.settings.confirmPollMs);
  let booking = await deps.store.bookings.get(bookingId);
  while (inProgress(booking) && deps.clock.now().getTime() < deadline) {
    await sleep(deps.clock, deps.settings.confirmPollMs);
    booking = await deps.store.bookings.get(bookingId);
  }
  return booking;
}
