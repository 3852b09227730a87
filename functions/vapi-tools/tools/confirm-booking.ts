/** confirm_booking: a held time booked, after the caller's explicit yes; `confirmed`, or `pending` while the calendar works. */
import type { Booking, CallContext } from '../../../shared/domain/model.ts';
import { type ConfirmOutcome, confirmBooking } from '../../../shared/domain/use-cases/confirm-booking.ts';
import { speakSlot } from '../../../shared/speech/time.ts';
import * as z from '../../../shared/zod.ts';
import { ReplayedAnswer, type ToolAnswer, ToolError } from '../tool-answer.ts';
import { defineTool, keeperOf } from './define.ts';
import { holdId } from './fields.ts';
import { holdRefused } from './speech.ts';

function bookingAnswer(booking: Booking, call: CallContext, spoken: string): ToolAnswer {
  if (booking.status === 'booked') {
    return {
      ok: true,
      status: 'confirmed',
      booking_id: booking.bookingId,
      say: `You're booked for ${spoken}. A confirmation email is on its way${call.callerNumber ? ', and a text message too' : ''}.`,
    };
  }
  if (booking.status === 'failed') {
    return new ToolError(
      'booking_failed',
      booking.failure?.code === 'slot_unavailable'
        ? 'Sorry, the calendar just gave that time to someone else. Shall I look for another time?'
        : 'Sorry, I could not complete that booking. Shall I try a different time?',
      { booking_id: booking.bookingId },
    );
  }
  return {
    ok: true,
    status: 'pending',
    booking_id: booking.bookingId,
    say: call.callerNumber
      ? `Your booking for ${spoken} is going through; you'll get a text message as soon as it's confirmed.`
      : `Your booking for ${spoken} is going through; you'll get a confirmation email as soon as it's confirmed.`,
  };
}

function answerOf(outcome: ConfirmOutcome, call: CallContext, now: Date): ToolAnswer {
  switch (outcome.kind) {
    case 'booking':
      return bookingAnswer(
        outcome.booking,
        call,
        speakSlot(outcome.booking.slot.start, { zone: outcome.zone, now }),
      );
    case 'replayed':
      return new ReplayedAnswer(outcome.answer);
    case 'unknown_hold':
    case 'not_your_hold':
      return holdRefused(outcome);
    case 'hold_released':
      return new ToolError(
        'hold_released',
        'That reservation was released. Shall I check availability again?',
        {
          hold_id: outcome.hold.holdId,
        },
      );
    case 'hold_expired':
      return new ToolError(
        'hold_expired',
        'The hold on that time ran out. Shall I check whether it is still free?',
        {
          hold_id: outcome.hold.holdId,
        },
      );
  }
}

export const confirmBookingTool = defineTool({
  name: 'confirm_booking',
  description:
    'Book a held time. Call it only after the caller clearly said yes to the read-back of hold_slot. ' +
    'The answer is `confirmed`, or `pending` when the calendar is still working (the caller then gets a text or an email).',
  waitingSay: 'Booking that now.',
  returns: '`status: confirmed | pending`, `booking_id`',
  parameters: z.object({ hold_id: holdId }),
  hints: { default: 'Which reservation should I book? Let me check availability again if needed.' },
  // A hold is confirmed once: a replay finds it confirmed and answers with the booking as it is now.
  replaySafe: true,
  async run(args, call, deps, toolCallId) {
    const now = deps.clock.now();
    const keep = keeperOf(toolCallId, (kept: ConfirmOutcome) => answerOf(kept, call, now));
    return answerOf(await confirmBooking(args.hold_id, call, deps, keep), call, now);
  },
});
