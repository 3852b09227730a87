/** Building a booking: the one place a confirmed hold becomes the record the booking worker drives. */
import * as z from '../zod.ts';
import { newBookingId } from './ids.ts';
import type { Booking, Hold, ReplacedAppointment } from './model.ts';

/** A queued booking for `hold`, due now; `timezone` is the zone Calendly shows the invitee. */
export function bookingFromHold(
  hold: Hold,
  options: { timezone: string; now: Date; bookingId?: string; replaces?: ReplacedAppointment },
): Booking {
  const now = options.now.getTime();
  return {
    bookingId: options.bookingId ?? newBookingId(),
    holdId: hold.holdId,
    callId: hold.callId,
    slot: hold.slot,
    fence: hold.fence,
    name: hold.name,
    email: hold.email,
    callerNumber: hold.callerNumber,
    timezone: options.timezone,
    status: 'queued',
    attempts: 0,
    postingStartedAt: null,
    calendly: null,
    failure: null,
    smsSentAt: null,
    canceledBy: null,
    replaces: options.replaces ?? null,
    movedTo: null,
    dueAt: now,
    createdAt: now,
    updatedAt: now,
  };
}

/** The queue message that hands a booking to the worker: only an id, so a message never carries personal data. */
export const BookingMessageSchema = z.object({
  bookingId: z.string().check(z.minLength(1), z.maxLength(64)),
});
export type BookingMessage = z.infer<typeof BookingMessageSchema>;
