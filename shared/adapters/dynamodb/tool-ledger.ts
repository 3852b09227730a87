/**
 * A call's tool ledger (shared/domain/model.ts `ToolLedger`) in an item of its own beside the call item
 * (same partition, so one Query reads both): the call item is written in every hold and confirm
 * transaction, where each kilobyte costs two write units, and offers and kept answers are most of a call's
 * bytes. Offers are stored compactly (the event types once, each offer as [event type index, start,
 * duration, expiry]); kept answers as [kept at, answer line], dropped ten minutes on, long after any replay.
 */
import type { Offer, SlotRef, ToolLedger } from '../../domain/model.ts';
import { isoInstant } from '../../domain/time/instant.ts';
import * as z from '../../zod.ts';

/** Replays come within seconds; a kept answer older than this is not worth its write units. */
const KEEP_ANSWERS_MS = 10 * 60_000;

export const LedgerItemSchema = z.object({
  callId: z.string(),
  startedAt: z.number(),
  revision: z.number(),
  offerSeq: z.number(),
  eventTypes: z.array(z.string()),
  offers: z.record(z.string(), z.tuple([z.number(), z.string(), z.number(), z.number()])),
  answers: z._default(z.record(z.string(), z.tuple([z.number(), z.string()])), {}),
});
export type LedgerItem = z.infer<typeof LedgerItemSchema>;

/** The ledger as the domain sees it, and what the adapter needs to write the next version. */
export interface StoredLedger {
  ledger: ToolLedger;
  offerSeq: number;
  startedAt: number | null;
  /** Kept answers with when they were kept. */
  kept: LedgerItem['answers'];
}

export const NO_LEDGER: StoredLedger = {
  ledger: { offers: [], answers: {}, revision: null },
  offerSeq: 0,
  startedAt: null,
  kept: {},
};

export function storedLedgerOf(item: unknown): StoredLedger {
  const parsed = LedgerItemSchema.parse(item);
  const offers: Offer[] = [];
  for (const [id, [type, start, durationMinutes, expiresAt]] of Object.entries(parsed.offers)) {
    const eventTypeUri = parsed.eventTypes[type];
    if (eventTypeUri) offers.push({ id, eventTypeUri, start, durationMinutes, expiresAt });
  }
  const answers = Object.fromEntries(Object.entries(parsed.answers).map(([id, [, line]]) => [id, line]));
  return {
    ledger: { offers, answers, revision: parsed.revision },
    offerSeq: parsed.offerSeq,
    startedAt: parsed.startedAt,
    kept: parsed.answers,
  };
}

/** The attributes of the ledger's next version (what LedgerItemSchema reads back). */
export function ledgerAttributes(
  offers: Offer[],
  kept: LedgerItem['answers'],
  now: number,
): Pick<LedgerItem, 'eventTypes' | 'offers' | 'answers'> {
  const eventTypes: string[] = [];
  const stored: LedgerItem['offers'] = {};
  for (const offer of offers) {
    let type = eventTypes.indexOf(offer.eventTypeUri);
    if (type < 0) type = eventTypes.push(offer.eventTypeUri) - 1;
    stored[offer.id] = [type, offer.start, offer.durationMinutes, offer.expiresAt];
  }
  const answers = Object.fromEntries(
    Object.entries(kept).filter(([, [keptAt]]) => keptAt > now - KEEP_ANSWERS_MS),
  );
  return { eventTypes, offers: stored, answers };
}

export interface OfferPlan {
  /** Every live offer after this one: the ones kept and the ones issued. */
  offers: Offer[];
  nextSeq: number;
  issued: Offer[];
}

/** Drops expired offers, reuses the id of a slot already on offer, numbers new ones after the last id. */
export function planOffers(
  stored: StoredLedger,
  slots: SlotRef[],
  now: number,
  validForMs: number,
): OfferPlan {
  const expiresAt = now + validForMs;
  const byId = new Map<string, Offer>();
  const idByInstant = new Map<string, string>();
  for (const offer of stored.ledger.offers) {
    if (offer.expiresAt <= now) continue;
    byId.set(offer.id, offer);
    idByInstant.set(`${offer.eventTypeUri}|${isoInstant(offer.start)}`, offer.id);
  }
  let nextSeq = stored.offerSeq;
  const issued: Offer[] = [];
  for (const slot of slots) {
    const identity = `${slot.eventTypeUri}|${isoInstant(slot.start)}`;
    let id = idByInstant.get(identity);
    if (!id) {
      nextSeq += 1;
      id = `S${nextSeq}`;
      idByInstant.set(identity, id);
    }
    const offer = {
      id,
      eventTypeUri: slot.eventTypeUri,
      start: slot.start,
      durationMinutes: slot.durationMinutes,
      expiresAt,
    };
    byId.set(id, offer);
    issued.push(offer);
  }
  return { offers: [...byId.values()], nextSeq, issued };
}
