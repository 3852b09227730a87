/**
 * Booking items and the worker's side of the slot lock. A booking is claimed for posting in the same
 * transaction that re-checks the slot is still held for it (holder + fence), so a worker holding a stale
 * message can never post. A posting lease that outlives the worker's timeout lets a redelivery take over
 * after a crash; the taker reconciles with Calendly before posting again.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Booking } from '../../domain/model.ts';
import type { BookingRepository, ClaimOutcome } from '../../domain/ports.ts';
import { moveCells } from './cells.ts';
import { BookingItemSchema, toBooking } from './items.ts';
import { keys, PENDING_PARTITION, ttlSeconds } from './keys.ts';
import { pendingSortKey } from './slot-lock.ts';
import { TABLE_SCHEMA } from './table-schema.ts';
import {
  backoff,
  cancellationReasons,
  isTransactionConflict,
  updateUnlessConditionFails,
} from './transactions.ts';

const MAX_ATTEMPTS = 5;
/** Finished bookings stay a year after the appointment, then TTL removes them. */
const BOOKING_RETENTION_MS = 365 * 24 * 3600 * 1000;

export function createBookingRepository(db: DynamoDBDocumentClient, tableName: string): BookingRepository {
  async function readRaw(bookingId: string) {
    const { Item } = await db.send(
      new GetCommand({ TableName: tableName, Key: keys.booking(bookingId), ConsistentRead: true }),
    );
    return Item ? BookingItemSchema.parse(Item) : null;
  }

  async function get(bookingId: string): Promise<Booking | null> {
    const item = await readRaw(bookingId);
    return item ? toBooking(item) : null;
  }

  async function claim(
    bookingId: string,
    now: Date,
    options: { staleAfterMs: number },
  ): Promise<ClaimOutcome> {
    const nowMs = now.getTime();
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const item = await readRaw(bookingId);
      if (!item) return { kind: 'missing' };
      const booking = toBooking(item);
      if (item.status === 'booked' || item.status === 'failed') return { kind: 'finished', booking };
      if (item.status === 'posting' && (item.postingStartedAt ?? 0) > nowMs - options.staleAfterMs) {
        return { kind: 'busy', booking };
      }
      const mayExist = item.status === 'posting' || item.mayExist;
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                ConditionCheck: {
                  TableName: tableName,
                  Key: keys.slot(item.slot.eventTypeUri, item.slot.start),
                  ConditionExpression: 'holdId = :holdId AND fence = :fence AND #state = :booking',
                  ExpressionAttributeNames: { '#state': 'state' },
                  ExpressionAttributeValues: {
                    ':holdId': item.holdId,
                    ':fence': item.fence,
                    ':booking': 'booking',
                  },
                },
              },
              {
                Update: {
                  TableName: tableName,
                  Key: keys.booking(bookingId),
                  UpdateExpression:
                    'SET #status = :posting, postingStartedAt = :now, updatedAt = :now, attempts = :nextAttempts, ' +
                    'dueAt = :leaseEnd, pendingSk = :pendingSk',
                  ConditionExpression: '#status = :status AND attempts = :attempts',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: {
                    ':posting': 'posting',
                    ':status': item.status,
                    ':now': nowMs,
                    ':attempts': item.attempts,
                    ':nextAttempts': item.attempts + 1,
                    ':leaseEnd': nowMs + options.staleAfterMs,
                    ':pendingSk': pendingSortKey(nowMs + options.staleAfterMs, bookingId),
                  },
                },
              },
            ],
          }),
        );
        return {
          kind: 'claimed',
          booking: {
            ...booking,
            status: 'posting',
            attempts: item.attempts + 1,
            postingStartedAt: nowMs,
            dueAt: nowMs + options.staleAfterMs,
            updatedAt: nowMs,
          },
          mayExist,
        };
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (!reasons) throw error;
        if (reasons[0]?.code === 'ConditionalCheckFailed') return { kind: 'hold_lost', booking };
        await backoff(attempt);
      }
    }
    throw new Error('could not claim the booking: it kept changing');
  }

  /**
   * Final states get a retention TTL and leave the pending index, unless the caller is still owed the
   * outcome SMS: then the booking stays there, due now, until `claimSms` takes it out, so a worker that dies
   * between recording the outcome and texting is finished by the sweeper.
   */
  function finishBooking(booking: Booking, set: Record<string, unknown>, now: number, smsOwed: boolean) {
    const names: Record<string, string> = { '#status': 'status', '#ttl': 'ttl' };
    const values: Record<string, unknown> = {
      ':posting': 'posting',
      ':queued': 'queued',
      ':now': now,
      ':ttl': ttlSeconds(Date.parse(booking.slot.start) + BOOKING_RETENTION_MS),
    };
    const assignments = ['updatedAt = :now', '#ttl = :ttl'];
    for (const [name, value] of Object.entries(set)) {
      names[`#${name}`] = name;
      values[`:${name}`] = value;
      assignments.push(`#${name} = :${name}`);
    }
    const { partitionKey, sortKey } = TABLE_SCHEMA.pendingIndex;
    let removals = `REMOVE ${partitionKey}, ${sortKey}, postingStartedAt`;
    if (smsOwed) {
      assignments.push('dueAt = :now', `${sortKey} = :pendingSk`);
      values[':pendingSk'] = pendingSortKey(now, booking.bookingId);
      removals = 'REMOVE postingStartedAt';
    }
    return {
      TableName: tableName,
      Key: keys.booking(booking.bookingId),
      UpdateExpression: `SET ${assignments.join(', ')} ${removals}`,
      ConditionExpression: '#status IN (:posting, :queued)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
  }

  function slotTransition(booking: Booking, set: string, values: Record<string, unknown>) {
    return {
      TableName: tableName,
      Key: keys.slot(booking.slot.eventTypeUri, booking.slot.start),
      UpdateExpression: set,
      ConditionExpression: 'holdId = :holdId AND fence = :fence AND #state = :booking',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: {
        ':holdId': booking.holdId,
        ':fence': booking.fence,
        ':booking': 'booking',
        ...values,
      },
    };
  }

  /** Frees the cells this booking's hold still owns, one by one; cells someone else owns now are left alone. */
  async function releaseOwnCells(booking: Booking): Promise<void> {
    for (const item of moveCells(tableName, booking.slot, booking.holdId, 'released')) {
      await updateUnlessConditionFails(db, item.Update);
    }
  }

  /**
   * Moves a booking to a final state together with its slot (and, when the slot is freed, its cells); if the
   * slot is not ours any more, the booking alone.
   */
  async function finish(
    booking: Booking,
    bookingSet: Record<string, unknown>,
    slotUpdate: ReturnType<typeof slotTransition>,
    now: Date,
    options: { freesCells: boolean; smsOwed: boolean },
  ): Promise<Booking> {
    const { freesCells } = options;
    const bookingUpdate = finishBooking(booking, bookingSet, now.getTime(), options.smsOwed);
    const cells = freesCells ? moveCells(tableName, booking.slot, booking.holdId, 'released') : [];
    try {
      await db.send(
        new TransactWriteCommand({
          TransactItems: [{ Update: slotUpdate }, { Update: bookingUpdate }, ...cells],
        }),
      );
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      if (reasons[1]?.code === 'ConditionalCheckFailed') {
        // Already finished by an earlier delivery: report what is stored.
        const stored = await get(booking.bookingId);
        if (stored) return stored;
      }
      if (reasons[0]?.code !== 'ConditionalCheckFailed') throw error;
      await updateUnlessConditionFails(db, bookingUpdate);
      if (freesCells) await releaseOwnCells(booking);
    }
    const stored = await get(booking.bookingId);
    if (!stored) throw new Error('booking vanished while finishing it');
    return stored;
  }

  return {
    get,
    claim,

    markBooked(booking, calendly, now, { smsOwed }) {
      return finish(
        booking,
        { status: 'booked', calendly, mayExist: false },
        slotTransition(booking, 'SET #state = :booked', { ':booked': 'booked' }),
        now,
        { freesCells: false, smsOwed },
      );
    },

    markFailed(booking, failure, now, { smsOwed }) {
      return finish(
        booking,
        { status: 'failed', failure },
        slotTransition(booking, 'SET #state = :released REMOVE callId, holdId, expiresAt, bookingId', {
          ':released': 'released',
        }),
        now,
        { freesCells: true, smsOwed },
      );
    },

    async unclaim(booking, { mayExist, retryAt }, now) {
      await updateUnlessConditionFails(db, {
        TableName: tableName,
        Key: keys.booking(booking.bookingId),
        UpdateExpression:
          'SET #status = :queued, mayExist = :mayExist, updatedAt = :now, dueAt = :dueAt, pendingSk = :pendingSk ' +
          'REMOVE postingStartedAt',
        ConditionExpression: '#status = :posting AND attempts = :attempts',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':queued': 'queued',
          ':posting': 'posting',
          ':mayExist': mayExist,
          ':now': now.getTime(),
          ':attempts': booking.attempts,
          ':dueAt': retryAt.getTime(),
          ':pendingSk': pendingSortKey(retryAt.getTime(), booking.bookingId),
        },
      });
    },

    async markCanceled(bookingId, inviteeUri, now) {
      const booking = await get(bookingId);
      if (booking?.status !== 'booked') return 'not_booked';
      if (booking.calendly?.inviteeUri !== inviteeUri) return 'other_invitee';
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: tableName,
                  Key: keys.booking(bookingId),
                  UpdateExpression: 'SET #status = :canceled, updatedAt = :now',
                  ConditionExpression: '#status = :booked AND calendly.inviteeUri = :inviteeUri',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: {
                    ':canceled': 'canceled',
                    ':booked': 'booked',
                    ':inviteeUri': inviteeUri,
                    ':now': now.getTime(),
                  },
                },
              },
              {
                Update: {
                  TableName: tableName,
                  Key: keys.slot(booking.slot.eventTypeUri, booking.slot.start),
                  UpdateExpression: 'SET #state = :released REMOVE callId, holdId, expiresAt, bookingId',
                  ConditionExpression: 'bookingId = :bookingId AND #state = :booked',
                  ExpressionAttributeNames: { '#state': 'state' },
                  ExpressionAttributeValues: {
                    ':released': 'released',
                    ':booked': 'booked',
                    ':bookingId': bookingId,
                  },
                },
              },
              ...moveCells(tableName, booking.slot, booking.holdId, 'released'),
            ],
          }),
        );
        return 'canceled';
      } catch (error) {
        const reasons = cancellationReasons(error);
        // A condition failed: already canceled, or the slot moved on. A conflict is thrown, so the webhook is retried.
        if (reasons && !isTransactionConflict(reasons)) return 'not_booked';
        throw error;
      }
    },

    async claimSms(bookingId, now) {
      const claimed = await updateUnlessConditionFails(db, {
        TableName: tableName,
        Key: keys.booking(bookingId),
        UpdateExpression: `SET smsSentAt = :now REMOVE ${TABLE_SCHEMA.pendingIndex.partitionKey}, ${TABLE_SCHEMA.pendingIndex.sortKey}`,
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(smsSentAt)',
        ExpressionAttributeValues: { ':now': now.getTime() },
      });
      return claimed !== null;
    },

    async releaseSmsClaim(bookingId, now) {
      const { partitionKey, sortKey } = TABLE_SCHEMA.pendingIndex;
      // Back into the pending index, so the SMS is retried even if no redelivery comes.
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.booking(bookingId),
          UpdateExpression: `SET dueAt = :now, ${partitionKey} = :pending, ${sortKey} = :pendingSk REMOVE smsSentAt`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: {
            ':now': now.getTime(),
            ':pending': PENDING_PARTITION,
            ':pendingSk': pendingSortKey(now.getTime(), bookingId),
          },
        }),
      );
    },

    async listDue(before, limit) {
      const { Items } = await db.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: TABLE_SCHEMA.pendingIndex.name,
          KeyConditionExpression: '#pk = :pending AND #sk < :before',
          ExpressionAttributeNames: {
            '#pk': TABLE_SCHEMA.pendingIndex.partitionKey,
            '#sk': TABLE_SCHEMA.pendingIndex.sortKey,
          },
          ExpressionAttributeValues: { ':pending': PENDING_PARTITION, ':before': before.toISOString() },
          Limit: limit,
        }),
      );
      return (Items ?? []).map(toBooking);
    },
  };
}
