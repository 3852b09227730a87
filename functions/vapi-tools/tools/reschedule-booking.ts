/** reschedule_booking: an appointment find_booking gave this call, moved to a time check_availability offered it. */
import {
  type RescheduleOutcome,
  rescheduleBooking,
} from '../../../shared/domain/use-cases/reschedule-booking.ts';
import { speakSlot } from '../../../shared/speech/time.ts';
import * as z from '../../../shared/zod.ts';
import { type ToolAnswer, ToolError } from '../tool-answer.ts';
import { defineTool } from './define.ts';
import { bookingRef, slotId } from './fields.ts';
import { listOf, onTime, slotsOf, tooManyHolds, unknownBooking } from './speech.ts';

const parameters = z.object({
  booking_ref: bookingRef,
  slot_id: slotId('The id of the new time, exactly as check_availability returned it, such as S3.'),
});

function answerOf(outcome: RescheduleOutcome, now: Date): ToolAnswer {
  switch (outcome.kind) {
    case 'booking': {
      const { booking, previous, zone } = outcome;
      const spoken = speakSlot(booking.slot.start, { zone, now });
      const before = speakSlot(previous.start, { zone, now });
      const slot = {
        id: outcome.slotId,
        start: new Date(Date.parse(booking.slot.start)).toISOString(),
        spoken,
      };
      if (booking.status === 'failed') {
        return new ToolError(
          'booking_failed',
          `Sorry, I couldn't move it: the calendar did not take ${spoken}. Your appointment ${onTime(before)} stays as it was. Shall I look for another time?`,
          { booking_id: booking.bookingId, kept: true },
        );
      }
      const texted = booking.callerNumber !== null;
      if (booking.status === 'booked') {
        return {
          ok: true,
          status: 'confirmed',
          booking_id: booking.bookingId,
          slot,
          say: `Done: your appointment is moved to ${spoken}, and ${before} is canceled.${texted ? " You'll get a text with the details." : ''}`,
        };
      }
      return {
        ok: true,
        status: 'pending',
        booking_id: booking.bookingId,
        slot,
        say: `Your move to ${spoken} is going through; your appointment ${onTime(before)} stays until it does.${texted ? " You'll get a text as soon as it's done." : " You'll get an email as soon as it's done."}`,
      };
    }
    case 'unknown_booking':
      return unknownBooking(outcome.bookingRef);
    case 'unknown_slot':
      return new ToolError(
        'unknown_slot',
        "I don't have that time on offer any more. Let me check what's available again.",
        { slot_id: outcome.slotId },
      );
    case 'call_ended':
      return new ToolError(
        'call_ended',
        'This call has already ended, so I cannot change the appointment on it.',
      );
    case 'in_past':
      return new ToolError(
        'booking_started',
        'That appointment has already started, so it can no longer be moved.',
        {
          booking_ref: outcome.ref.ref,
        },
      );
    case 'group_event':
      return new ToolError(
        'group_booking',
        "That's a group session, so I can't move it here without moving it for everyone. The reschedule link in your confirmation email moves just your place.",
        { booking_ref: outcome.ref.ref },
      );
    case 'same_time':
      return new ToolError(
        'same_time',
        "That's the time you already have. Which other time would you like?",
        {
          booking_ref: outcome.ref.ref,
        },
      );
    case 'already_canceled':
      return new ToolError(
        'booking_changing',
        `That appointment ${onTime(speakSlot(outcome.ref.start, { zone: outcome.zone, now }))} has just been canceled, so there's nothing to move. Shall I book the new time instead?`,
        { booking_ref: outcome.ref.ref },
      );
    case 'being_changed':
      return new ToolError(
        'booking_changing',
        'That appointment is being changed by another request right now. Let me look it up again in a moment.',
        { booking_ref: outcome.ref.ref },
      );
    case 'too_many_holds':
      return tooManyHolds(outcome.liveHoldIds);
    case 'slot_taken': {
      const { zone, alternatives } = outcome;
      const say =
        alternatives.slots.length === 0
          ? "Sorry, someone just took that time, and I don't see other openings that day. Your appointment stays as it is. Would another day work?"
          : `Sorry, someone just took that time; your appointment stays as it is. The nearest times I have are ${listOf(alternatives.slots, zone, now)}. Would one of those work?`;
      return new ToolError('slot_taken', say, {
        timezone: zone,
        slots: slotsOf(alternatives.slots, zone, now),
      });
    }
  }
}

export const rescheduleBookingTool = defineTool({
  name: 'reschedule_booking',
  description:
    'Move an appointment find_booking returned on this call to a new time check_availability offered on this call. ' +
    'Read both times back and call this only after a clear yes. The new time is booked first; the old one is canceled only once it is, ' +
    'so if the new time cannot be booked the old one stays.',
  waitingSay: 'Moving that now.',
  returns: '`status: confirmed | pending`, `booking_id`, `slot: {id, start, spoken}` (the new time)',
  parameters,
  hints: {
    booking_ref: 'Which appointment should I move? Let me look them up again if needed.',
    slot_id: 'Which of the new times I offered would you like?',
    default: 'Which appointment should I move, and to which of the times I offered?',
  },
  async run(args, call, deps) {
    const now = deps.clock.now();
    return answerOf(
      await rescheduleBooking({ bookingRef: args.booking_ref, slotId: args.slot_id }, call, deps),
      now,
    );
  },
});
