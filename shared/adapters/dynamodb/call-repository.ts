/**
 * Call items: one per phone call, holding the holds it owns, the booking refs find_booking gave it and how
 * many of its lookups found nothing; beside it, in the same partition, the call's tool ledger
 * (./tool-ledger.ts): the slot ids offered to it and the answers kept for replays.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  type Appointment,
  type BookingRef,
  isReplayed,
  type Offer,
  type Replayed,
  type ToolLedger,
} from '../../domain/model.ts';
import type { CallRepository } from '../../domain/ports.ts';
import { type CallItem, CallItemSchema, toCallRecord } from './items.ts';
import { keys, ttlSeconds } from './keys.ts';
import { recentlyKnown } from './recent.ts';
import { ledgerAttributes, NO_LEDGER, planOffers, type StoredLedger, storedLedgerOf } from './tool-ledger.ts';
import { updateUnlessConditionFails } from './transactions.ts';

/** Call items outlive the call by a week for support questions, then TTL removes them. */
const CALL_RETENTION_MS = 7 * 24 * 3600 * 1000;
const MAX_OFFER_ATTEMPTS = 5;
/** Calls whose ledger this container remembers (a call lasts minutes; a container serves a few at once). */
const REMEMBERED_CALLS = 256;

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

  /**
   * The ledgers this container last read or wrote, by call: the base of the next conditional write, so a
   * tool call writes without reading first. A stale or missing one only costs a second try (the failed
   * condition's answer carries the stored ledger).
   */
  const known = recentlyKnown<StoredLedger>(REMEMBERED_CALLS);
  const remember = (callId: string, ledger: StoredLedger): ToolLedger => known.set(callId, ledger).ledger;

  /** What a ledger write does on top of the ledger as it is: a next version, or an answer kept already. */
  type LedgerChange<T> =
    | { offers: Offer[]; offerSeq: number; kept: StoredLedger['kept']; result: T }
    | Replayed;

  /**
   * Writes the ledger's next version on top of the one this container knows; when that is stale, on top
   * of the stored one instead (`change` is asked again). A tool call that has an answer kept already gets
   * it back, and nothing is written.
   */
  async function writeLedger<T>(
    callId: string,
    now: Date,
    change: (current: StoredLedger) => LedgerChange<T>,
  ): Promise<{ result: T } | Replayed> {
    let current = known.get(callId) ?? NO_LEDGER;
    for (let attempt = 0; attempt < MAX_OFFER_ATTEMPTS; attempt++) {
      const next = change(current);
      if (isReplayed(next)) return next;
      const startedAt = current.startedAt ?? now.getTime();
      const revision = current.ledger.revision;
      const attributes = ledgerAttributes(next.offers, next.kept, now.getTime());
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.ledger(callId),
            UpdateExpression:
              'SET callId = :callId, startedAt = :startedAt, revision = :next, offerSeq = :offerSeq, ' +
              'eventTypes = :eventTypes, offers = :offers, answers = :answers, #ttl = :ttl',
            ConditionExpression: revision === null ? 'attribute_not_exists(pk)' : 'revision = :revision',
            ExpressionAttributeNames: { '#ttl': 'ttl' },
            ExpressionAttributeValues: {
              ':callId': callId,
              ':startedAt': startedAt,
              ':next': (revision ?? 0) + 1,
              ':offerSeq': next.offerSeq,
              ':eventTypes': attributes.eventTypes,
              ':offers': attributes.offers,
              ':answers': attributes.answers,
              ':ttl': ttlSeconds(now.getTime() + CALL_RETENTION_MS),
              ...(revision === null ? {} : { ':revision': revision }),
            },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        remember(
          callId,
          storedLedgerOf({
            callId,
            startedAt,
            revision: (revision ?? 0) + 1,
            offerSeq: next.offerSeq,
            ...attributes,
          }),
        );
        return { result: next.result };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        // Another tool call of this call (or another container) wrote first: build on what it wrote.
        current = error.Item ? storedLedgerOf(unmarshall(error.Item)) : NO_LEDGER;
      }
    }
    throw new Error('could not write the tool ledger: the call kept changing it');
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
      // One Query reads the call item and its ledger together.
      const { Items = [] } = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.call(callId).pk },
          ConsistentRead: true,
        }),
      );
      const callItem = Items.find((item) => item.sk === keys.call(callId).sk);
      const ledgerItem = Items.find((item) => item.sk === keys.ledger(callId).sk);
      const stored = ledgerItem ? storedLedgerOf(ledgerItem) : NO_LEDGER;
      const ledger = remember(callId, stored);
      if (callItem) return toCallRecord(CallItemSchema.parse(callItem), ledger);
      // Offered times before any other trace of the call (a tool call before the voice webhook's record).
      if (ledgerItem) {
        return toCallRecord(CallItemSchema.parse({ callId, startedAt: stored.startedAt ?? 0 }), ledger, null);
      }
      return null;
    },

    async ledger(callId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: tableName, Key: keys.ledger(callId), ConsistentRead: true }),
      );
      return remember(callId, Item ? storedLedgerOf(Item) : NO_LEDGER);
    },

    async issueOffers(callId, slots, { now, validForMs, keep }) {
      // Ids stay unique within the call even if two checks race: the write is conditional on the revision.
      const written = await writeLedger<Offer[]>(callId, now, (current) => {
        const earlier = keep && current.ledger.answers[keep.toolCallId];
        if (earlier !== undefined) return { kind: 'replayed', answer: earlier };
        const plan = planOffers(current, slots, now.getTime(), validForMs);
        const answer = keep?.answer(plan.issued) ?? null;
        const kept: StoredLedger['kept'] = { ...current.kept };
        if (keep && answer !== null) kept[keep.toolCallId] = [now.getTime(), answer];
        return { offers: plan.offers, offerSeq: plan.nextSeq, kept, result: plan.issued };
      });
      return isReplayed(written) ? written : { offers: written.result };
    },

    async keepAnswer(callId, toolCallId, answer, { now }) {
      const written = await writeLedger<string>(callId, now, (current) => {
        const earlier = current.ledger.answers[toolCallId];
        if (earlier !== undefined) return { kind: 'replayed', answer: earlier };
        return {
          offers: current.ledger.offers.filter((offer) => offer.expiresAt > now.getTime()),
          offerSeq: current.offerSeq,
          kept: { ...current.kept, [toolCallId]: [now.getTime(), answer] },
          result: answer,
        };
      });
      return isReplayed(written) ? written.answer : written.result;
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
