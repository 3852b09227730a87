/** cancel_booking: an appointment find_booking gave this call, canceled in Calendly, once. */
import { type CancelBookingOutcome, cancelBooking } from '../../../shared/domain/use-cases/cancel-booking.ts';
import { speakSlot } from '../../../shared/speech/time.ts';
import * as z from '../../../shared/zod.ts';
import { type ToolAnswer, ToolError } from '../tool-answer.ts';
import { defineTool } from './define.ts';
import { bookingRef } from './fields.ts';
import { onTime, unknownBooking } from './speech.ts';

function answerOf(outcome: CancelBookingOutcome, now: Date): ToolAnswer {
  switch (outcome.kind) {
    case 'canceled': {
      const when = speakSlot(outcome.ref.start, { zone: outcome.zone, now });
      return {
        ok: true,
        status: 'canceled',
        booking_id: outcome.bookingId,
        say: `Your appointment ${onTime(when)} is canceled${outcome.texted ? ", and you'll get a text confirming it" : ''}. Is there anything else I can do?`,
      };
    }
    case 'already_canceled':
      return {
        ok: true,
        status: 'canceled',
        booking_id: outcome.ref.bookingId,
        already: true,
        say: `That appointment ${onTime(speakSlot(outcome.ref.start, { zone: outcome.zone, now }))} was already canceled, so there's nothing more to do. Would you like to book a new time?`,
      };
    case 'in_past':
      return new ToolError(
        'booking_started',
        'That appointment has already started, so it can no longer be canceled.',
        { booking_ref: outcome.ref.ref },
      );
    case 'group_event':
      return new ToolError(
        'group_booking',
        "That's a group session, and canceling it here would cancel it for everyone. The cancel link in your confirmation email cancels just your place.",
        { booking_ref: outcome.ref.ref },
      );
    case 'being_moved':
      return new ToolError(
        'booking_changing',
        'That appointment is being moved to a new time right now, so I cannot cancel it at this moment.',
        { booking_ref: outcome.ref.ref },
      );
    case 'unknown_booking':
      return unknownBooking(outcome.bookingRef);
  }
}

export const cancelBookingTool = defineTool({
  name: 'cancel_booking',
  description:
    'Cancel an appointment find_booking returned on this call. Read its day and time back and call this only after a clear yes.',
  waitingSay: 'Canceling that now.',
  returns: '`status: canceled`, `booking_id` (ours, or null for an appointment made on Calendly)',
  parameters: z.object({ booking_ref: bookingRef }),
  hints: { default: 'Which appointment should I cancel? Let me look them up again if needed.' },
  async run(args, call, deps) {
    const now = deps.clock.now();
    return answerOf(await cancelBooking(args.booking_ref, call, deps), now);
  },
});
