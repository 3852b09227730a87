/**
 * Every state transition of the slot lock, its cells, holds, the call's live holds and bookings, as one
 * update builder each. Repositories compose these into transactions and read the answers; no condition or
 * update expression for these items is written anywhere else.
 *
 *   slot    free -> held -> booking -> booked -> released      held | booking -> released
 *   cell    free -> held -> booked (no lease) -> free             held -> free
 *   hold    held -> confirmed | released
 *   booking queued <-> posting -> booked | failed ; booked -> canceling -> canceled | booked
 *           booked -> rescheduling -> canceled | booked ; booked | rescheduling -> canceled (in Calendly)
 *   appointment (tied to a phone number) recorded -> forgotten
 *
 * A condition on a held item always compares `expiresAt` itself: DynamoDB's TTL deletes lazily.
 */
import type { Appointment, Booking, Hold, SlotRef } from '../../domain/model.ts';
import { cellsOf } from '../../domain/slot-cells.ts';
import { bucketOf, byBucket, indexInBucket, NEVER, ownerAttribute, untilAttribute } from './cells.ts';
import { itemOf } from './items.ts';
import { keys, PENDING_PARTITION, pendingSortKey, ttlSeconds } from './keys.ts';
import { TABLE_SCHEMA } from './table-schema.ts';

const DAY_MS = 24 * 3600 * 1000;
/** Lock items of past slots are kept a month for audits, then TTL removes them. */
const SLOT_RETENTION_MS = 30 * DAY_MS;
/** Finished bookings stay a year after the appointment, then TTL removes them. */
const BOOKING_RETENTION_MS = 365 * DAY_MS;
/** A mirrored appointment is of no use once it has started; TTL removes it a day later. */
const APPOINTMENT_RETENTION_MS = DAY_MS;

/** A call's hold that is over (confirmed or released) keeps this as its expiry in the call's map. */
export const HOLD_OVER = 0;

/** An update item of a transaction (also usable alone as UpdateItem input). */
export interface UpdateSpec {
  TableName: string;
  Key: Record<string, string>;
  UpdateExpression: string;
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
  ReturnValuesOnConditionCheckFailure?: 'ALL_OLD';
}

/** Who a slot is released from: the hold that holds it, the booking it became, or the booked appointment. */
export type SlotOwner =
  | { state: 'held'; holdId: string }
  | { state: 'booking'; holdId: string; fence: number }
  | { state: 'booked'; bookingId: string };

/** How long a held slot's items are kept: past its lease and its start, for support questions. */
function retainUntil(hold: Hold): number {
  return Math.max(hold.expiresAt, Date.parse(hold.slot.start)) + SLOT_RETENTION_MS;
}

export function createTransitions(tableName: string) {
  const { partitionKey: pendingPk, sortKey: pendingSk } = TABLE_SCHEMA.pendingIndex;

  const slot = {
    /** free (absent, released, or held past its lease) -> held by `hold`; its fence is the previous one + 1. */
    take(hold: Hold, nowMs: number) {
      const { slot: ref } = hold;
      return {
        Update: {
          TableName: tableName,
          Key: keys.slot(ref.eventTypeUri, ref.start),
          UpdateExpression:
            'SET #state = :held, callId = :callId, holdId = :holdId, fence = :fence, expiresAt = :expiresAt, ' +
            '#start = :start, eventTypeUri = :eventTypeUri, #ttl = :ttl REMOVE bookingId',
          ConditionExpression:
            '(attribute_not_exists(pk) AND :prevFence = :zero) OR (fence = :prevFence AND ' +
            '(#state = :released OR (#state = :held AND expiresAt <= :now)))',
          ExpressionAttributeNames: { '#state': 'state', '#start': 'start', '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':held': 'held',
            ':released': 'released',
            ':callId': hold.callId,
            ':holdId': hold.holdId,
            ':fence': hold.fence,
            ':prevFence': hold.fence - 1,
            ':zero': 0,
            ':expiresAt': hold.expiresAt,
            ':now': nowMs,
            ':start': ref.start,
            ':eventTypeUri': ref.eventTypeUri,
            ':ttl': ttlSeconds(retainUntil(hold)),
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
        },
      };
    },

    /** held by `hold` (same fence, lease not run out) -> booking `bookingId`. */
    confirm(hold: Hold, bookingId: string, nowMs: number) {
      return {
        Update: {
          TableName: tableName,
          Key: keys.slot(hold.slot.eventTypeUri, hold.slot.start),
          UpdateExpression: 'SET #state = :booking, bookingId = :bookingId',
          ConditionExpression: 'holdId = :holdId AND fence = :fence AND #state = :held AND expiresAt > :now',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':booking': 'booking',
            ':held': 'held',
            ':bookingId': bookingId,
            ':holdId': hold.holdId,
            ':fence': hold.fence,
            ':now': nowMs,
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
        },
      };
    },

    /** A check, changing nothing: the slot is still `booking` for this booking's hold and fence. */
    stillBooking(booking: Pick<Booking, 'slot' | 'holdId' | 'fence'>) {
      return {
        ConditionCheck: {
          TableName: tableName,
          Key: keys.slot(booking.slot.eventTypeUri, booking.slot.start),
          ConditionExpression: 'holdId = :holdId AND fence = :fence AND #state = :booking',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':holdId': booking.holdId,
            ':fence': booking.fence,
            ':booking': 'booking',
          },
        },
      };
    },

    /** booking (this hold, this fence) -> booked. */
    book(booking: Booking) {
      return {
        Update: {
          TableName: tableName,
          Key: keys.slot(booking.slot.eventTypeUri, booking.slot.start),
          UpdateExpression: 'SET #state = :booked',
          ConditionExpression: 'holdId = :holdId AND fence = :fence AND #state = :booking',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':booked': 'booked',
            ':holdId': booking.holdId,
            ':fence': booking.fence,
            ':booking': 'booking',
          },
        },
      };
    },

    /** The owner's state -> released: anyone may take the time again. */
    release(ref: SlotRef, owner: SlotOwner) {
      const values: Record<string, unknown> = { ':released': 'released', ':from': owner.state };
      let condition: string;
      if (owner.state === 'booked') {
        condition = 'bookingId = :bookingId AND #state = :from';
        values[':bookingId'] = owner.bookingId;
      } else {
        condition = 'holdId = :holdId AND #state = :from';
        values[':holdId'] = owner.holdId;
        if (owner.state === 'booking') {
          condition += ' AND fence = :fence';
          values[':fence'] = owner.fence;
        }
      }
      return {
        Update: {
          TableName: tableName,
          Key: keys.slot(ref.eventTypeUri, ref.start),
          UpdateExpression: 'SET #state = :released REMOVE callId, holdId, expiresAt, bookingId',
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
        },
      };
    },
  };

  /** One update per bucket of the appointment's cells (./cells.ts), every cell with its own condition. */
  function perBucket(
    ref: Pick<SlotRef, 'start' | 'durationMinutes'>,
    build: (indexes: number[]) => {
      set?: string[];
      remove?: string[];
      condition: string[];
      values: Record<string, unknown>;
      names?: Record<string, string>;
    },
  ) {
    return byBucket(cellsOf(ref)).map(({ bucket, indexes }) => {
      const parts = build(indexes);
      const clauses = [
        ...(parts.set?.length ? [`SET ${parts.set.join(', ')}`] : []),
        ...(parts.remove?.length ? [`REMOVE ${parts.remove.join(', ')}`] : []),
      ];
      return {
        Update: {
          TableName: tableName,
          Key: keys.cellBucket(bucket),
          UpdateExpression: clauses.join(' '),
          ConditionExpression: parts.condition.join(' AND '),
          ...(parts.names ? { ExpressionAttributeNames: parts.names } : {}),
          ExpressionAttributeValues: parts.values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
        },
      };
    });
  }

  const cells = {
    /** Every cell of the appointment: free -> held by the hold; each fails unless the cell is free at `nowMs`. */
    claim(hold: Hold, nowMs: number) {
      return perBucket(hold.slot, (indexes) => ({
        set: [
          ...indexes.flatMap((i) => [`${ownerAttribute(i)} = :holdId`, `${untilAttribute(i)} = :expiresAt`]),
          '#ttl = :ttl',
        ],
        condition: indexes.map(
          (i) => `(attribute_not_exists(${ownerAttribute(i)}) OR ${untilAttribute(i)} <= :now)`,
        ),
        names: { '#ttl': 'ttl' },
        values: {
          ':holdId': hold.holdId,
          ':expiresAt': hold.expiresAt,
          ':now': nowMs,
          ':ttl': ttlSeconds(retainUntil(hold)),
        },
      }));
    },

    /** The hold's cells -> kept without a lease (a booking), until released. */
    confirm(ref: SlotRef, holdId: string) {
      return perBucket(ref, (indexes) => ({
        set: indexes.map((i) => `${untilAttribute(i)} = :never`),
        condition: indexes.map((i) => `${ownerAttribute(i)} = :holdId`),
        values: { ':never': NEVER, ':holdId': holdId },
      }));
    },

    /** The hold's cells -> free; fails unless the hold still owns every one of them. */
    release(ref: SlotRef, holdId: string) {
      return perBucket(ref, (indexes) => ({
        remove: indexes.flatMap((i) => [ownerAttribute(i), untilAttribute(i)]),
        condition: indexes.map((i) => `${ownerAttribute(i)} = :holdId`),
        values: { ':holdId': holdId },
      }));
    },

    /** One cell -> free if the hold still owns it (cells another hold owns now are not touched). */
    releaseOne(cellStartMs: number, holdId: string): UpdateSpec {
      const index = indexInBucket(cellStartMs);
      return {
        TableName: tableName,
        Key: keys.cellBucket(bucketOf(cellStartMs)),
        UpdateExpression: `REMOVE ${ownerAttribute(index)}, ${untilAttribute(index)}`,
        ConditionExpression: `${ownerAttribute(index)} = :holdId`,
        ExpressionAttributeValues: { ':holdId': holdId },
      };
    },
  };

  const hold = {
    /** The hold item, written once. */
    create(value: Hold) {
      return {
        Put: {
          TableName: tableName,
          Item: {
            ...keys.hold(value.holdId),
            ...itemOf(value),
            ttl: ttlSeconds(Date.parse(value.slot.start) + SLOT_RETENTION_MS),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
        },
      };
    },

    /** A live hold of `callId` takes a corrected name and email. */
    correct(holdId: string, callId: string, details: { name: string; email: string }): UpdateSpec {
      return {
        TableName: tableName,
        Key: keys.hold(holdId),
        UpdateExpression: 'SET #name = :name, email = :email',
        ConditionExpression: '#status = :held AND callId = :callId',
        ExpressionAttributeNames: { '#name': 'name', '#status': 'status' },
        ExpressionAttributeValues: {
          ':name': details.name,
          ':email': details.email,
          ':held': 'held',
          ':callId': callId,
        },
      };
    },

    /** held -> confirmed as booking `bookingId`. */
    confirm(holdId: string, bookingId: string) {
      return {
        Update: {
          TableName: tableName,
          Key: keys.hold(holdId),
          UpdateExpression: 'SET #status = :confirmed, bookingId = :bookingId',
          ConditionExpression: '#status = :held',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':confirmed': 'confirmed', ':held': 'held', ':bookingId': bookingId },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
        },
      };
    },

    /** held -> released. */
    release(holdId: string, nowMs: number) {
      return {
        Update: {
          TableName: tableName,
          Key: keys.hold(holdId),
          UpdateExpression: 'SET #status = :released, releasedAt = :now',
          ConditionExpression: '#status = :held',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':released': 'released', ':held': 'held', ':now': nowMs },
        },
      };
    },
  };

  const call = {
    /**
     * The call counts `value` among its holds, replacing the map it was read with (`holds`, at `version`):
     * the version makes the live-hold cap check atomic. Holds stay in the map once over (their expiry set
     * to 0), so a replayed hold_slot still finds the hold its first run made.
     */
    addHold(value: Hold, seen: { version: number | null; holds: Record<string, number>; nowMs: number }) {
      const version = seen.version ?? 0;
      return {
        Update: {
          TableName: tableName,
          Key: keys.call(value.callId),
          UpdateExpression:
            'SET callId = :callId, holds = :holds, version = :nextVersion, startedAt = if_not_exists(startedAt, :now)',
          ConditionExpression:
            seen.version === null
              ? 'attribute_not_exists(pk)'
              : 'version = :version OR attribute_not_exists(version)',
          ExpressionAttributeValues: {
            ':callId': value.callId,
            ':holds': { ...seen.holds, [value.holdId]: value.expiresAt },
            ':nextVersion': version + 1,
            ':now': seen.nowMs,
            ...(seen.version === null ? {} : { ':version': version }),
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
        },
      };
    },

    /** The call's hold became booking `bookingId`: it stops counting as live, and the call notes the booking. */
    confirmHold(value: Pick<Hold, 'callId' | 'holdId'>, bookingId: string) {
      return {
        Update: {
          TableName: tableName,
          Key: keys.call(value.callId),
          UpdateExpression: 'SET holds.#holdId = :over ADD version :one, bookingIds :bookingIds',
          ConditionExpression: 'attribute_exists(holds)',
          ExpressionAttributeNames: { '#holdId': value.holdId },
          ExpressionAttributeValues: { ':over': HOLD_OVER, ':one': 1, ':bookingIds': new Set([bookingId]) },
        },
      };
    },

    /** The call stops counting the hold among its live ones (the version bump keeps the cap check honest). */
    dropHold(value: Pick<Hold, 'callId' | 'holdId'>) {
      return {
        Update: {
          TableName: tableName,
          Key: keys.call(value.callId),
          UpdateExpression: 'SET holds.#holdId = :over ADD version :one',
          ConditionExpression: 'attribute_exists(holds)',
          ExpressionAttributeNames: { '#holdId': value.holdId },
          ExpressionAttributeValues: { ':over': HOLD_OVER, ':one': 1 },
        },
      };
    },
  };

  /** SET clauses for `attributes`, with their names and values. */
  function assignments(attributes: Record<string, unknown>) {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const clauses: string[] = [];
    for (const [name, value] of Object.entries(attributes)) {
      names[`#${name}`] = name;
      values[`:${name}`] = value;
      clauses.push(`#${name} = :${name}`);
    }
    return { names, values, clauses };
  }

  const booking = {
    /** A new booking, queued and due now: in the pending index, so the sweeper finds it if the queue loses it. */
    create(value: Booking) {
      return {
        Put: {
          TableName: tableName,
          Item: {
            ...keys.booking(value.bookingId),
            ...itemOf(value),
            [pendingPk]: PENDING_PARTITION,
            [pendingSk]: pendingSortKey(value.dueAt, value.bookingId),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      };
    },

    /** queued (or posting past its lease) -> posting by this worker until `leaseEnd`. */
    claim(seen: Pick<Booking, 'bookingId' | 'status' | 'attempts'>, nowMs: number, leaseEnd: number) {
      return {
        Update: {
          TableName: tableName,
          Key: keys.booking(seen.bookingId),
          UpdateExpression:
            'SET #status = :posting, postingStartedAt = :now, updatedAt = :now, attempts = :nextAttempts, ' +
            `dueAt = :leaseEnd, ${pendingSk} = :pendingSk`,
          ConditionExpression: '#status = :status AND attempts = :attempts',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':posting': 'posting',
            ':status': seen.status,
            ':now': nowMs,
            ':attempts': seen.attempts,
            ':nextAttempts': seen.attempts + 1,
            ':leaseEnd': leaseEnd,
            ':pendingSk': pendingSortKey(leaseEnd, seen.bookingId),
          },
        },
      };
    },

    /** posting (this attempt) -> queued, due at `retryAt`. */
    unclaim(value: Booking, options: { mayExist: boolean; retryAt: number; nowMs: number }): UpdateSpec {
      return {
        TableName: tableName,
        Key: keys.booking(value.bookingId),
        UpdateExpression:
          `SET #status = :queued, mayExist = :mayExist, updatedAt = :now, dueAt = :dueAt, ${pendingSk} = :pendingSk ` +
          'REMOVE postingStartedAt',
        ConditionExpression: '#status = :posting AND attempts = :attempts',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':queued': 'queued',
          ':posting': 'posting',
          ':mayExist': options.mayExist,
          ':now': options.nowMs,
          ':attempts': value.attempts,
          ':dueAt': options.retryAt,
          ':pendingSk': pendingSortKey(options.retryAt, value.bookingId),
        },
      };
    },

    /**
     * One of `from` -> a final state (`set` holds its attributes), with a retention TTL. It leaves the
     * pending index unless the caller is still owed the SMS: then it stays there, due now, until `claimSms`,
     * so a worker that dies between recording the outcome and texting is finished by the sweeper.
     */
    finish(
      value: Booking,
      set: Record<string, unknown>,
      options: {
        from: Booking['status'][];
        nowMs: number;
        smsOwed: boolean;
        /** The state needs an SMS of its own (a cancellation after the booking's text): forget the earlier one. */
        newSms?: boolean;
      },
    ): UpdateSpec {
      const { names, values, clauses } = assignments(set);
      const from = options.from.map((_, index) => `:from${index}`);
      options.from.forEach((status, index) => {
        values[`:from${index}`] = status;
      });
      names['#status'] = 'status';
      names['#ttl'] = 'ttl';
      values[':now'] = options.nowMs;
      values[':ttl'] = ttlSeconds(Date.parse(value.slot.start) + BOOKING_RETENTION_MS);
      clauses.push('updatedAt = :now', '#ttl = :ttl');
      const removals = ['postingStartedAt'];
      if (options.newSms) removals.push('smsSentAt');
      if (options.smsOwed) {
        clauses.push('dueAt = :now', `${pendingPk} = :pending`, `${pendingSk} = :pendingSk`);
        values[':pending'] = PENDING_PARTITION;
        values[':pendingSk'] = pendingSortKey(options.nowMs, value.bookingId);
      } else {
        removals.push(pendingPk, pendingSk);
      }
      return {
        TableName: tableName,
        Key: keys.booking(value.bookingId),
        UpdateExpression: `SET ${clauses.join(', ')} REMOVE ${removals.join(', ')}`,
        ConditionExpression: `#status IN (${from.join(', ')})`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      };
    },

    /**
     * booked -> canceling by `callId`: the cancellation is under way, due again at `retryAt` so the worker
     * finishes it (the sweeper re-enqueues it) if the caller's tool call does not.
     */
    startCancel(
      value: Pick<Booking, 'bookingId'>,
      options: { callId: string; nowMs: number; retryAt: number },
    ) {
      return {
        Update: {
          TableName: tableName,
          Key: keys.booking(value.bookingId),
          UpdateExpression:
            'SET #status = :canceling, canceledBy = :callId, updatedAt = :now, dueAt = :dueAt, ' +
            `${pendingPk} = :pending, ${pendingSk} = :pendingSk`,
          ConditionExpression: '#status = :booked',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':canceling': 'canceling',
            ':booked': 'booked',
            ':callId': options.callId,
            ':now': options.nowMs,
            ':dueAt': options.retryAt,
            ':pending': PENDING_PARTITION,
            ':pendingSk': pendingSortKey(options.retryAt, value.bookingId),
          },
        },
      };
    },

    /** canceling -> booked again: Calendly would not cancel it (it has started), so nothing changed. */
    abandonCancel(value: Pick<Booking, 'bookingId'>, nowMs: number): UpdateSpec {
      return {
        TableName: tableName,
        Key: keys.booking(value.bookingId),
        UpdateExpression: `SET #status = :booked, updatedAt = :now REMOVE canceledBy, ${pendingPk}, ${pendingSk}`,
        ConditionExpression: '#status = :canceling',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':booked': 'booked', ':canceling': 'canceling', ':now': nowMs },
      };
    },

    /**
     * booked -> rescheduling into booking `movedTo`: the new time is on its way. The condition decides a race
     * with a cancellation (which needs `booked` too) and with a second reschedule.
     */
    startReschedule(bookingId: string, movedTo: string, nowMs: number) {
      return {
        Update: {
          TableName: tableName,
          Key: keys.booking(bookingId),
          UpdateExpression: 'SET #status = :rescheduling, movedTo = :movedTo, updatedAt = :now',
          ConditionExpression: '#status = :booked',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':rescheduling': 'rescheduling',
            ':booked': 'booked',
            ':movedTo': movedTo,
            ':now': nowMs,
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
        },
      };
    },

    /** rescheduling into `movedTo` -> booked again: the new time could not be booked, so the appointment stands. */
    abandonReschedule(bookingId: string, movedTo: string, nowMs: number): UpdateSpec {
      return {
        TableName: tableName,
        Key: keys.booking(bookingId),
        UpdateExpression: 'SET #status = :booked, updatedAt = :now REMOVE movedTo',
        ConditionExpression: '#status = :rescheduling AND movedTo = :movedTo',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':booked': 'booked',
          ':rescheduling': 'rescheduling',
          ':movedTo': movedTo,
          ':now': nowMs,
        },
      };
    },

    /**
     * A booked replacement records that the appointment it replaces is canceled in Calendly; it stays due
     * only while its caller is still to be texted.
     */
    replacedCanceled(bookingId: string, options: { nowMs: number; stillDue: boolean }): UpdateSpec {
      return {
        TableName: tableName,
        Key: keys.booking(bookingId),
        UpdateExpression: `SET replaces.canceledAt = :now${options.stillDue ? '' : ` REMOVE ${pendingPk}, ${pendingSk}`}`,
        ConditionExpression: 'attribute_exists(replaces) AND #status = :booked',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':now': options.nowMs, ':booked': 'booked' },
      };
    },

    /** booked or rescheduling (by exactly this invitee) -> canceled: Calendly told us it was canceled there. */
    canceledInCalendly(bookingId: string, inviteeUri: string, nowMs: number) {
      return {
        Update: {
          TableName: tableName,
          Key: keys.booking(bookingId),
          UpdateExpression: 'SET #status = :canceled, updatedAt = :now',
          ConditionExpression: '#status IN (:booked, :rescheduling) AND calendly.inviteeUri = :inviteeUri',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':canceled': 'canceled',
            ':booked': 'booked',
            ':rescheduling': 'rescheduling',
            ':inviteeUri': inviteeUri,
            ':now': nowMs,
          },
        },
      };
    },

    /** Whoever makes this write sends the SMS owed for the booking's state (and the booking stops being due). */
    claimSms(bookingId: string, nowMs: number): UpdateSpec {
      return {
        TableName: tableName,
        Key: keys.booking(bookingId),
        UpdateExpression: `SET smsSentAt = :now REMOVE ${pendingPk}, ${pendingSk}`,
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(smsSentAt)',
        ExpressionAttributeValues: { ':now': nowMs },
      };
    },

    /** Undoes claimSms after a failed send: due again from `nowMs`, so a retry sends it even without a redelivery. */
    releaseSmsClaim(bookingId: string, nowMs: number): UpdateSpec {
      return {
        TableName: tableName,
        Key: keys.booking(bookingId),
        UpdateExpression: `SET dueAt = :now, ${pendingPk} = :pending, ${pendingSk} = :pendingSk REMOVE smsSentAt`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: {
          ':now': nowMs,
          ':pending': PENDING_PARTITION,
          ':pendingSk': pendingSortKey(nowMs, bookingId),
        },
      };
    },
  };

  const appointment = {
    /**
     * Ties the appointment to `phone`. Our booking id is only ever set, never cleared: the webhook that
     * reports our own booking carries no booking id we trust, and must not erase the one we wrote.
     */
    record(phone: string, value: Appointment) {
      const { bookingId, ...details } = value;
      const { names, values, clauses } = assignments({
        ...details,
        phone,
        ttl: ttlSeconds(Date.parse(value.start) + APPOINTMENT_RETENTION_MS),
        ...(bookingId === null ? {} : { bookingId }),
      });
      return {
        Update: {
          TableName: tableName,
          Key: keys.appointment(phone, value.start, value.eventUri),
          UpdateExpression: `SET ${clauses.join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      };
    },

    /** The appointment is no longer tied to `phone` (canceled, or moved to another time). */
    forget(phone: string, value: Pick<Appointment, 'start' | 'eventUri'>) {
      return { Delete: { TableName: tableName, Key: keys.appointment(phone, value.start, value.eventUri) } };
    },
  };

  return { slot, cells, hold, call, booking, appointment };
}

export type Transitions = ReturnType<typeof createTransitions>;
