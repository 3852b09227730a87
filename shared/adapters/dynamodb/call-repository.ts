/**
 * Call items: one per phone call, holding the slot ids offered to it, the holds it owns, the booking refs
 * find_booking gave it and how many of its lookups found nothing.
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Appointment, BookingRef, Offer, SlotRef } from '../../domain/model.ts';
import type { CallRepository } from '../../domain/ports.ts';
import { isoInstant } from '../../domain/time/instant.ts';
import { type CallItem, CallItemSchema, toCallRecord } from './items.ts';
import { keys, ttlSeconds } from './keys.ts';
import { updateUnlessConditionFails } from './transactions.ts';

/** Call items outlive the call by a week for support questions, then TTL removes them. */
const CALL_RETENTION_MS = 7 * 24 * 3600 * 1000;
const MAX_OFFER_ATTEMPTS = 5;

export function createCallRepository(db: DynamoDBDocumentClient, tableName: string): CallRepository {
  /**
   * One UpdateItem on the call item that also creates it (a tool or a callback can come before the voice
   * webhook's record, or without it): `set` and `add` clauses may use `:now`; answers the item as it is now.
   */
  async function upsertCall(
    callId: string,
    now: Date,
    change: { set?: string; add?: string; names?: Record<string, string>; values?: Record<string, unknown> },
  ): Promise<Record<string, unknown>> {
    const { Attributes } = await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.call(callId),
        UpdateExpression:
          'SET callId = :callId, startedAt = if_not_exists(startedAt, :now), #ttl = if_not_exists(#ttl, :ttl)' +
          `${change.set ? `, ${change.set}` : ''}${change.add ? ` ADD ${change.add}` : ''}`,
        ExpressionAttributeNames: { '#ttl': 'ttl', ...change.names },
        ExpressionAttributeValues: {
          ':callId': callId,
          ':now': now.getTime(),
          ':ttl': ttlSeconds(now.getTime() + CALL_RETENTION_MS),
          ...change.values,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes ?? {};
  }

  async function readItem(callId: string): Promise<CallItem | null> {
    const { Item } = await db.send(
      new GetCommand({ TableName: tableName, Key: keys.call(callId), ConsistentRead: true }),
    );
    return Item ? CallItemSchema.parse(Item) : null;
  }

  return {
    async record({ callId, callerNumber, dialledNumber, now }) {
      // One atomic counter tells the first arrival from a repeat, whatever order concurrent repeats land in.
      const { Attributes } = await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.call(callId),
          UpdateExpression:
            'SET callId = :callId, #from = if_not_exists(#from, :from), #to = if_not_exists(#to, :to), ' +
            'startedAt = if_not_exists(startedAt, :now), #status = if_not_exists(#status, :status), #ttl = :ttl ' +
            'ADD arrivals :one',
          ExpressionAttributeNames: { '#from': 'from', '#to': 'to', '#status': 'status', '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':callId': callId,
            ':from': callerNumber,
            ':to': dialledNumber,
            ':now': now.getTime(),
            ':status': 'in-progress',
            ':ttl': ttlSeconds(now.getTime() + CALL_RETENTION_MS),
            ':one': 1,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const item = CallItemSchema.parse(Attributes);
      return item.arrivals === 1 ? { kind: 'first' } : { kind: 'repeat', answer: item.answer ?? null };
    },

    async saveAnswer(callId, answer) {
      await updateUnlessConditionFails(db, {
        TableName: tableName,
        Key: keys.call(callId),
        UpdateExpression: 'SET answer = :answer',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(answer)',
        ExpressionAttributeValues: { ':answer': answer },
      });
    },

    async get(callId) {
      const item = await readItem(callId);
      return item ? toCallRecord(item) : null;
    },

    async issueOffers(callId, slots, { now, validForMs }) {
      // Optimistic concurrency on offerSeq: ids stay unique within the call even if two checks race.
      for (let attempt = 0; attempt < MAX_OFFER_ATTEMPTS; attempt++) {
        const item = await readItem(callId);
        const plan = planOffers(item, slots, now.getTime(), validForMs);
        const written = await updateUnlessConditionFails(db, {
          TableName: tableName,
          Key: keys.call(callId),
          UpdateExpression:
            'SET callId = :callId, offers = :offers, offerSeq = :next, startedAt = if_not_exists(startedAt, :now), ' +
            '#ttl = if_not_exists(#ttl, :ttl)',
          ConditionExpression: item
            ? 'offerSeq = :seq OR attribute_not_exists(offerSeq)'
            : 'attribute_not_exists(pk)',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':callId': callId,
            ':offers': plan.offers,
            ':next': plan.nextSeq,
            ':now': now.getTime(),
            ':ttl': ttlSeconds(now.getTime() + CALL_RETENTION_MS),
            ...(item ? { ':seq': item.offerSeq } : {}),
          },
        });
        if (written) return plan.issued;
      }
      throw new Error('could not issue offers: the call item kept changing');
    },

    async markEnded(callId, now) {
      // A call we never saw arrive gets its item here, so every later report of it finds the same start.
      const attributes = await upsertCall(callId, now, {
        set: '#status = :ended, endedAt = if_not_exists(endedAt, :now)',
        names: { '#status': 'status' },
        values: { ':ended': 'ended' },
      });
      return toCallRecord(CallItemSchema.parse(attributes));
    },

    async issueBookingRefs(callId, appointments, { now, validForMs }) {
      // Optimistic concurrency on refSeq, as for offers.
      for (let attempt = 0; attempt < MAX_OFFER_ATTEMPTS; attempt++) {
        const item = await readItem(callId);
        const plan = planBookingRefs(item, appointments, now.getTime(), validForMs);
        const written = await updateUnlessConditionFails(db, {
          TableName: tableName,
          Key: keys.call(callId),
          UpdateExpression:
            'SET callId = :callId, bookingRefs = :refs, refSeq = :next, startedAt = if_not_exists(startedAt, :now), ' +
            '#ttl = if_not_exists(#ttl, :ttl)',
          ConditionExpression: item
            ? 'refSeq = :seq OR attribute_not_exists(refSeq)'
            : 'attribute_not_exists(pk)',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':callId': callId,
            ':refs': plan.refs,
            ':next': plan.nextSeq,
            ':now': now.getTime(),
            ':ttl': ttlSeconds(now.getTime() + CALL_RETENTION_MS),
            ...(item ? { ':seq': item.refSeq } : {}),
          },
        });
        if (written) return plan.issued;
      }
      throw new Error('could not issue booking refs: the call item kept changing');
    },

    async countFailedLookup(callId, now) {
      const attributes = await upsertCall(callId, now, { add: 'failedLookups :one', values: { ':one': 1 } });
      return Number(attributes.failedLookups ?? 1);
    },

    async markRefCanceled(callId, ref, now) {
      const claimed = await updateUnlessConditionFails(db, {
        TableName: tableName,
        Key: keys.call(callId),
        UpdateExpression: 'SET bookingRefs.#ref.canceledAt = :now',
        ConditionExpression:
          'attribute_exists(bookingRefs.#ref) AND attribute_not_exists(bookingRefs.#ref.canceledAt)',
        ExpressionAttributeNames: { '#ref': ref },
        ExpressionAttributeValues: { ':now': now.getTime() },
      });
      return claimed !== null;
    },

    async noteTransfer(callId, reason, now) {
      await upsertCall(callId, now, { set: 'transferReason = :reason', values: { ':reason': reason } });
    },

    async markTransferred(callId, now) {
      const attributes = await upsertCall(callId, now, {
        set: 'transferredAt = if_not_exists(transferredAt, :now)',
      });
      return toCallRecord(CallItemSchema.parse(attributes));
    },

    async markMessage(callId, now) {
      const attributes = await upsertCall(callId, now, { set: 'messageAt = if_not_exists(messageAt, :now)' });
      return toCallRecord(CallItemSchema.parse(attributes));
    },

    async markRefMoved(callId, ref, bookingId) {
      await updateUnlessConditionFails(db, {
        TableName: tableName,
        Key: keys.call(callId),
        UpdateExpression: 'SET bookingRefs.#ref.movedTo = :bookingId',
        ConditionExpression: 'attribute_exists(bookingRefs.#ref)',
        ExpressionAttributeNames: { '#ref': ref },
        ExpressionAttributeValues: { ':bookingId': bookingId },
      });
    },
  };
}

interface BookingRefPlan {
  refs: CallItem['bookingRefs'];
  nextSeq: number;
  issued: BookingRef[];
}

/** Drops expired refs, reuses the ref of an appointment already given, numbers new ones after the last. */
function planBookingRefs(
  item: CallItem | null,
  appointments: Appointment[],
  now: number,
  validForMs: number,
): BookingRefPlan {
  const expiresAt = now + validForMs;
  const refs: CallItem['bookingRefs'] = {};
  const refByEvent = new Map<string, string>();
  for (const [ref, entry] of Object.entries(item?.bookingRefs ?? {})) {
    if (entry.expiresAt <= now) continue;
    refs[ref] = entry;
    refByEvent.set(entry.inviteeUri, ref);
  }
  let nextSeq = item?.refSeq ?? 0;
  const issued: BookingRef[] = [];
  for (const appointment of appointments) {
    let ref = refByEvent.get(appointment.inviteeUri);
    if (!ref) {
      nextSeq += 1;
      ref = `A${nextSeq}`;
      refByEvent.set(appointment.inviteeUri, ref);
    }
    const known = refs[ref];
    refs[ref] = {
      ...appointment,
      expiresAt,
      ...(known?.canceledAt ? { canceledAt: known.canceledAt } : {}),
      ...(known?.movedTo ? { movedTo: known.movedTo } : {}),
    };
    issued.push({
      ref,
      ...appointment,
      expiresAt,
      canceledAt: known?.canceledAt ?? null,
      movedTo: known?.movedTo ?? null,
    });
  }
  return { refs, nextSeq, issued };
}

interface OfferPlan {
  offers: CallItem['offers'];
  nextSeq: number;
  issued: Offer[];
}

/** Drops expired offers, reuses the id of a slot already on offer, numbers new ones after the last id. */
function planOffers(item: CallItem | null, slots: SlotRef[], now: number, validForMs: number): OfferPlan {
  const expiresAt = now + validForMs;
  const offers: CallItem['offers'] = {};
  const idByInstant = new Map<string, string>();
  for (const [id, offer] of Object.entries(item?.offers ?? {})) {
    if (offer.expiresAt <= now) continue;
    offers[id] = offer;
    idByInstant.set(`${offer.eventTypeUri}|${isoInstant(offer.start)}`, id);
  }
  let nextSeq = item?.offerSeq ?? 0;
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
      eventTypeUri: slot.eventTypeUri,
      start: slot.start,
      durationMinutes: slot.durationMinutes,
      expiresAt,
    };
    offers[id] = offer;
    issued.push({ id, ...offer });
  }
  return { offers, nextSeq, issued };
}
