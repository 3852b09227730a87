/** Words more than one tool says: offered slots, and a hold this call cannot use. */
import type { OfferedSlot } from '../../../shared/domain/open-slots.ts';
import type { HoldRefusal } from '../../../shared/domain/use-cases/own-hold.ts';
import { speakSlot, speakSlotList, speakTimesOfDay } from '../../../shared/speech/time.ts';
import { ToolError } from '../tool-answer.ts';

/** Offered slots as a result lists them: id, UTC start, and how each is spoken. */
export function slotsOf(slots: readonly OfferedSlot[], zone: string, now: Date) {
  return slots.map((slot) => ({
    id: slot.id,
    start: slot.start,
    spoken: speakSlot(slot.start, { zone, now }),
  }));
}

/** The slots in one phrase, in time order: "tomorrow, Friday, November 27 at 2 PM or 3:30 PM Eastern Time". */
export function listOf(slots: readonly OfferedSlot[], zone: string, now: Date): string {
  return speakSlotList(
    slots.map((slot) => slot.start),
    { zone, now },
  );
}

/** Times of a day the caller just heard named: "2:30 PM or 3:30 PM". */
export function timesOf(slots: readonly OfferedSlot[], zone: string): string {
  return speakTimesOfDay(
    slots.map((slot) => slot.start),
    zone,
  );
}

export function holdRefused(refusal: HoldRefusal): ToolError {
  return refusal.kind === 'unknown_hold'
    ? new ToolError('unknown_hold', "I can't find that reservation. Shall I check availability again?", {
        hold_id: refusal.holdId,
      })
    : new ToolError('not_your_hold', "That reservation isn't part of this call. Shall I find you a time?", {
        hold_id: refusal.holdId,
      });
}

export function tooManyHolds(liveHoldIds: string[]): ToolError {
  return new ToolError(
    'too_many_holds',
    'You are already holding two times. Shall I release one of them first?',
    {
      hold_ids: liveHoldIds,
    },
  );
}

/** A spoken time after "on": "on Friday, December 4 at 2 PM", but "tomorrow, Friday, ..." without it. */
export function onTime(spoken: string): string {
  return /^(today|tomorrow)\b/.test(spoken) ? spoken : `on ${spoken}`;
}

/** A booking ref this call was not given (or whose time on the call ran out). */
export function unknownBooking(bookingRef: string): ToolError {
  return new ToolError(
    'unknown_booking',
    "I don't have that appointment in front of me. Shall I look up your appointments again?",
    { booking_ref: bookingRef },
  );
}
