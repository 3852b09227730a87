/**
 * hold_slot, confirm_booking and release_hold: the caller's side of the slot lock. Every hold is checked
 * against the call asking (a hold id from another call is refused), and a slot id must be one this call
 * was offered: the assistant cannot invent or mishear a time into a booking.
 */
import * as z from '../../zod.ts';
import { bookingFromHold } from '../bookings.ts';
import { sleep } from '../clock.ts';
import { ToolError } from '../errors.ts';
import { newHoldId } from '../ids.ts';
import type { Booking, CallContext, Hold, Offer, SlotRef } from '../model.ts';
import type { OpenSlotFinder } from '../open-slots.ts';
import { speakEmail } from '../spoken.ts';
import { speakSlot } from '../time/speak.ts';
import type { ToolDeps, ToolSuccess } from './tool-deps.ts';

export const HoldSlotArgsSchema = z.object({
  slot_id: z.string().check(z.trim(), z.regex(/^s\d{1,4}$/i, 'must be a slot id such as S3')),
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  email: z.email().check(z.trim(), z.maxLength(254)),
});
export type HoldSlotArgs = z.infer<typeof HoldSlotArgsSchema>;

export const HoldIdArgsSchema = z.object({
  hold_id: z.string().check(z.trim(), z.minLength(3), z.maxLength(40)),
});
export type HoldIdArgs = z.infer<typeof HoldIdArgsSchema>;

function findOffer(offers: Offer[], slotId: string, now: number): Offer | null {
  const wanted = slotId.toUpperCase();
  return offers.find((offer) => offer.id === wanted && offer.expiresAt > now) ?? null;
}

export async function holdSlot(
  args: HoldSlotArgs,
  call: CallContext,
  deps: ToolDeps & { slots: OpenSlotFinder },
): Promise<ToolSuccess> {
  const now = deps.clock.now();
  const record = await deps.store.calls.get(call.callId);
  const offer = findOffer(record?.offers ?? [], args.slot_id, now.getTime());
  if (!offer || Date.parse(offer.start) <= now.getTime()) {
    throw new ToolError(
      'unknown_slot',
      "I don't have that time on offer any more. Let me check what's available again.",
      { slot_id: args.slot_id },
    );
  }
  if (record?.status === 'ended') {
    throw new ToolError('call_ended', 'This call has already ended, so I cannot hold a time on it.');
  }
  const zone = await deps.directory.businessTimezone();
  const slot = {
    eventTypeUri: offer.eventTypeUri,
    start: offer.start,
    durationMinutes: offer.durationMinutes,
  };
  // Offers can be minutes old: only a time Calendly still lists is held and read back to the caller.
  if (!(await deps.slots.stillListed(slot, zone))) throw await slotTaken(call, slot, zone, deps);
  const outcome = await deps.store.slots.hold({
    holdId: newHoldId(),
    // Vapi may not pass the caller's number; the Twilio webhook recorded it when the call came in.
    call: { ...call, callerNumber: call.callerNumber ?? record?.callerNumber ?? null },
    slot,
    name: args.name,
    email: args.email.toLowerCase(),
    now,
    leaseMs: deps.settings.holdTtlSeconds * 1000,
    maxLiveHolds: deps.settings.maxLiveHolds,
  });
  if (outcome.kind === 'too_many_holds') {
    throw new ToolError(
      'too_many_holds',
      'You are already holding two times. Shall I release one of them first?',
      { hold_ids: outcome.liveHoldIds },
    );
  }
  if (outcome.kind === 'taken') throw await slotTaken(call, slot, zone, deps);
  const { hold } = outcome;
  const spoken = speakSlot(hold.slot.start, { zone, now });
  return {
    ok: true,
    say: `I'm holding ${spoken} for ${hold.name}, email ${speakEmail(hold.email)}. Shall I book it?`,
    hold_id: hold.holdId,
    expires_at: new Date(hold.expiresAt).toISOString(),
    slot: { id: offer.id, start: new Date(Date.parse(hold.slot.start)).toISOString(), spoken },
  };
}

/** slot_taken with fresh alternatives near the time the caller wanted. */
async function slotTaken(
  call: CallContext,
  slot: SlotRef,
  zone: string,
  deps: { slots: OpenSlotFinder },
): Promise<ToolError> {
  const alternatives = await deps.slots.alternativesTo(call, slot, zone);
  const say = alternatives.slots.length
    ? `Sorry, someone just took that time. ${alternatives.say}`
    : `Sorry, someone just took that time, and I don't see other openings that day. Would another day work?`;
  return new ToolError('slot_taken', say, { timezone: zone, slots: alternatives.slots });
}

async function ownHold(holdId: string, call: CallContext, deps: ToolDeps): Promise<Hold> {
  const hold = await deps.store.slots.getHold(holdId.toUpperCase());
  if (!hold) {
    throw new ToolError('unknown_hold', "I can't find that reservation. Shall I check availability again?", {
      hold_id: holdId,
    });
  }
  if (hold.callId !== call.callId) {
    throw new ToolError(
      'not_your_hold',
      "That reservation isn't part of this call. Shall I find you a time?",
      {
        hold_id: holdId,
      },
    );
  }
  return hold;
}

function bookingAnswer(booking: Booking, call: CallContext, spoken: string): ToolSuccess {
  if (booking.status === 'booked') {
    return {
      ok: true,
      status: 'confirmed',
      booking_id: booking.bookingId,
      say: `You're booked for ${spoken}. A confirmation email is on its way${call.callerNumber ? ', and a text message too' : ''}.`,
    };
  }
  if (booking.status === 'failed') {
    throw new ToolError(
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

function holdExpired(hold: Hold): ToolError {
  return new ToolError(
    'hold_expired',
    'The hold on that time ran out. Shall I check whether it is still free?',
    {
      hold_id: hold.holdId,
    },
  );
}

async function waitForWorker(bookingId: string, deps: ToolDeps): Promise<Booking | null> {
  const deadline = deps.clock.now().getTime() + deps.settings.confirmWaitMs;
  const inProgress = (booking: Booking | null) =>
    booking?.status === 'queued' || booking?.status === 'posting';
  let booking = await deps.store.bookings.get(bookingId);
  while (inProgress(booking) && deps.clock.now().getTime() < deadline) {
    await sleep(deps.clock, deps.settings.confirmPollMs);
    booking = await deps.store.bookings.get(bookingId);
  }
  return booking;
}

export async function confirmBooking(
  args: HoldIdArgs,
  call: CallContext,
  deps: ToolDeps & { onEnqueueFailure?: (error: unknown) => void },
): Promise<ToolSuccess> {
  const now = deps.clock.now();
  const hold = await ownHold(args.hold_id, call, deps);
  const zone = await deps.directory.businessTimezone();
  const spoken = speakSlot(hold.slot.start, { zone, now });
  if (hold.status === 'released') {
    throw new ToolError('hold_released', 'That reservation was released. Shall I check availability again?', {
      hold_id: hold.holdId,
    });
  }

  let bookingId = hold.bookingId;
  if (hold.status === 'held') {
    if (hold.expiresAt <= now.getTime()) {
      throw holdExpired(hold);
    }
    const booking = bookingFromHold(hold, { timezone: zone, now });
    const outcome = await deps.store.slots.confirm(hold, booking, now);
    if (outcome.kind === 'expired') {
      throw holdExpired(hold);
    }
    bookingId = outcome.kind === 'confirmed' ? outcome.booking.bookingId : outcome.bookingId;
    if (outcome.kind === 'confirmed') {
      // The booking is already durable; if the queue is unreachable the sweeper re-enqueues it.
      await deps.queue.enqueue(booking.bookingId).catch((error: unknown) => deps.onEnqueueFailure?.(error));
    }
  }
  if (!bookingId) throw new Error('confirmed hold without a booking id');
  const booking = await waitForWorker(bookingId, deps);
  if (!booking) throw new Error(`booking ${bookingId} vanished`);
  return bookingAnswer(booking, call, spoken);
}

export async function releaseHold(args: HoldIdArgs, call: CallContext, deps: ToolDeps): Promise<ToolSuccess> {
  const hold = await ownHold(args.hold_id, call, deps);
  if (hold.status === 'confirmed') {
    throw new ToolError(
      'hold_confirmed',
      'That time is already being booked, so there is no hold to release.',
      {
        hold_id: hold.holdId,
        booking_id: hold.bookingId,
      },
    );
  }
  if (hold.status === 'held') await deps.store.slots.release(hold, deps.clock.now());
  return { ok: true, say: "Okay, I've let that time go." };
}
