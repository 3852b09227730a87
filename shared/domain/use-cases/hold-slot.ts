/**
 * Hold a slot: the caller's side of the slot lock. A slot id must be one this call was offered, so the
 * assistant cannot invent or mishear a time into a booking, and only a time Calendly still lists is held.
 */
import { holdIdFor } from '../ids.ts';
import {
  type AnswerKeeper,
  type CallContext,
  type CallRecord,
  type Hold,
  isReplayed,
  type Offer,
  type Replayed,
} from '../model.ts';
import type { OpenSlotFinder, SlotOffer } from '../open-slots.ts';
import type { UseCaseDeps } from './deps.ts';
import { keptOutcome } from './kept-answer.ts';

export interface HoldRequest {
  slotId: string;
  name: string;
  email: string;
  /** The tool call asking: its hold id derives from it, so a replay finds the same hold. */
  toolCallId: string;
}

export type HoldOutcome =
  | { kind: 'held'; hold: Hold; slotId: string; zone: string }
  /** Not a slot this call was offered, or its offer ran out. */
  | { kind: 'unknown_slot'; slotId: string }
  | { kind: 'call_ended' }
  | Exclude<OfferHold, { kind: 'held' }>;

/** The live offer of this call under `slotId`, or null. */
export function findOffer(offers: Offer[], slotId: string, now: number): Offer | null {
  const wanted = slotId.toUpperCase();
  return offers.find((offer) => offer.id === wanted && offer.expiresAt > now) ?? null;
}

/** Holding an offered time: held, or why not (the call's cap, or someone has it now, with alternatives). */
export type OfferHold =
  | { kind: 'held'; hold: Hold }
  | { kind: 'too_many_holds'; liveHoldIds: string[] }
  /** Someone else has it now; `alternatives` are the nearest free times, already offered to this call. */
  | { kind: 'slot_taken'; zone: string; alternatives: SlotOffer }
  /** A replay of a tool call whose first answer was kept. */
  | Replayed;

/**
 * Holds a time this call was offered, for `who`: what hold_slot and reschedule_booking both do. Offers can be
 * minutes old, so only a time Calendly still lists is held.
 */
export async function holdOffer(
  offer: Offer,
  call: CallContext,
  who: { name: string; email: string; callerNumber: string | null },
  at: { now: Date; zone: string; holdId: string; seen: CallRecord | null },
  deps: UseCaseDeps & { slots: OpenSlotFinder },
  keep?: AnswerKeeper<Extract<OfferHold, { kind: 'slot_taken' }>>,
): Promise<OfferHold> {
  const { now, zone } = at;
  const slot = {
    eventTypeUri: offer.eventTypeUri,
    start: offer.start,
    durationMinutes: offer.durationMinutes,
  };
  const taken = async (): Promise<OfferHold> => {
    const alternatives = await deps.slots.alternativesTo(call, slot, zone, {
      // The answer names the alternatives just offered: kept in the same write as they are.
      keep: keep && {
        toolCallId: keep.toolCallId,
        answer: (offered) => keep.answer({ kind: 'slot_taken', zone, alternatives: offered }),
      },
    });
    return isReplayed(alternatives) ? alternatives : { kind: 'slot_taken', zone, alternatives };
  };
  if (!(await deps.slots.stillListed(slot, zone))) return await taken();
  const outcome = await deps.store.slots.hold({
    holdId: at.holdId,
    call: { ...call, callerNumber: who.callerNumber },
    seen: at.seen,
    slot,
    name: who.name,
    email: who.email.toLowerCase(),
    now,
    leaseMs: deps.settings.holdTtlSeconds * 1000,
    maxLiveHolds: deps.settings.maxLiveHolds,
  });
  if (outcome.kind === 'too_many_holds') return { kind: 'too_many_holds', liveHoldIds: outcome.liveHoldIds };
  if (outcome.kind === 'taken') return await taken();
  return { kind: 'held', hold: outcome.hold };
}

/**
 * A replay of the tool call gets its first answer: a hold it made is found under its id (derived from the
 * tool call), any other first answer was kept in the call's ledger.
 */
export async function holdSlot(
  request: HoldRequest,
  call: CallContext,
  deps: UseCaseDeps & { slots: OpenSlotFinder },
  keep?: AnswerKeeper<HoldOutcome>,
): Promise<HoldOutcome> {
  const now = deps.clock.now();
  const record = await deps.store.calls.get(call.callId);
  const holdId = holdIdFor(call.callId, request.toolCallId);
  const kept = keep && record?.ledger.answers[keep.toolCallId];
  if (kept !== undefined) return { kind: 'replayed', answer: kept };
  if (record && holdId in record.holds) {
    const again = await deps.store.slots.getHold(holdId);
    if (again?.callId === call.callId) {
      const zone = await deps.directory.businessTimezone();
      return { kind: 'held', hold: again, slotId: request.slotId.toUpperCase(), zone };
    }
  }
  /** An answer that neither holds nor offers anything: kept on its own. */
  const settled = async (outcome: HoldOutcome) => await keptOutcome(outcome, call, keep, deps);

  const offer = findOffer(record?.ledger.offers ?? [], request.slotId, now.getTime());
  if (!offer || Date.parse(offer.start) <= now.getTime())
    return await settled({ kind: 'unknown_slot', slotId: request.slotId });
  if (record?.status === 'ended') return await settled({ kind: 'call_ended' });
  const zone = await deps.directory.businessTimezone();
  const held = await holdOffer(
    offer,
    call,
    // Vapi may not pass the caller's number; the Twilio webhook recorded it when the call came in.
    {
      name: request.name,
      email: request.email,
      callerNumber: call.callerNumber ?? record?.callerNumber ?? null,
    },
    { now, zone, holdId, seen: record },
    deps,
    keep,
  );
  if (held.kind === 'too_many_holds') return await settled(held);
  if (held.kind !== 'held') return held;
  return { kind: 'held', hold: held.hold, slotId: offer.id, zone };
}
