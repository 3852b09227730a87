/**
 * The slot lock. One item per (event type, start): conditional writes decide who holds it, and a fence
 * number that grows on every change of hands lets the booking worker detect a stale holder.
 *
 * hold    = one transaction: slot (free, released or lease expired -> held), every 5-minute cell the
 *           appointment covers (free -> held: no overlapping appointment of any event type), call
 *           (live-hold cap, optimistic version), hold item (new). Every condition compares expiresAt
 *           itself: TTL deletes lazily.
 * confirm = one transaction: slot (held by this hold, same fence, lease not expired -> booking), its cells
 *           (-> booking), hold (held -> confirmed), call (drop the live hold), booking item (new, queued).
 * release = one transaction: slot and cells (held by this hold -> released), hold (-> released), call.
 */
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Booking, Hold } from '../../domain/model.ts';
import type { ConfirmOutcome, HoldOutcome, HoldRequest, SlotLock } from '../../domain/ports.ts';
import { claimCells, isCellFree, moveCells, occupiedCells } from './cells.ts';
import { CallItemSchema, itemOf, type SlotItem, SlotItemSchema, toHold } from './items.ts';
import { keys, PENDING_PARTITION, ttlSeconds } from './keys.ts';
import {
  backoff,
  cancellationReasons,
  isTransactionConflict,
  retryConflicts,
  updateUnlessConditionFails,
} from './transactions.ts';

const DAY_MS = 24 * 3600 * 1000;
const MAX_ATTEMPTS = 6;
/** Lock items of past slots are kept a month for audits, then TTL removes them. */
const SLOT_RETENTION_MS = 30 * DAY_MS;

/** True when the slot item no longer blocks anyone at `now`. */
export function isSlotFree(slot: SlotItem | null, now: number): boolean {
  if (!slot) return true;
  if (slot.state === 'released') return true;
  return slot.state === 'held' && (slot.expiresAt ?? 0) <= now;
}

export function createSlotLock(db: DynamoDBDocumentClient, tableName: string): SlotLock {
  async function readSlot(eventTypeUri: string, start: string): Promise<SlotItem | null> {
    const { Item } = await db.send(
      new GetCommand({ TableName: tableName, Key: keys.slot(eventTypeUri, start), ConsistentRead: true }),
    );
    return Item ? SlotItemSchema.parse(Item) : null;
  }

  async function readCall(callId: string) {
    const { Item } = await db.send(
      new GetCommand({ TableName: tableName, Key: keys.call(callId), ConsistentRead: true }),
    );
    return Item ? CallItemSchema.parse(Item) : null;
  }

  async function getHold(holdId: string): Promise<Hold | null> {
    const { Item } = await db.send(
      new GetCommand({ TableName: tableName, Key: keys.hold(holdId), ConsistentRead: true }),
    );
    return Item ? toHold(Item) : null;
  }

  /** A repeated hold_slot may carry a corrected name or email ("no, it's john@..."): the hold takes the new one. */
  async function correctDetails(existing: Hold, request: HoldRequest): Promise<Hold> {
    if (existing.name === request.name && existing.email === request.email) return existing;
    const updated = await updateUnlessConditionFails(db, {
      TableName: tableName,
      Key: keys.hold(existing.holdId),
      UpdateExpression: 'SET #name = :name, email = :email',
      ConditionExpression: '#status = :held AND callId = :callId',
      ExpressionAttributeNames: { '#name': 'name', '#status': 'status' },
      ExpressionAttributeValues: {
        ':name': request.name,
        ':email': request.email,
        ':held': 'held',
        ':callId': request.call.callId,
      },
    });
    return updated ? { ...existing, name: request.name, email: request.email } : existing;
  }

  async function hold(request: HoldRequest): Promise<HoldOutcome> {
    const { call, slot, now } = request;
    const nowMs = now.getTime();
    const expiresAt = nowMs + request.leaseMs;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const [slotItem, callItem] = await Promise.all([
        readSlot(slot.eventTypeUri, slot.start),
        readCall(call.callId),
      ]);

      // The same call asking again for a slot it already holds gets its existing hold back.
      if (
        slotItem?.state === 'held' &&
        slotItem.callId === call.callId &&
        (slotItem.expiresAt ?? 0) > nowMs
      ) {
        const existing = slotItem.holdId ? await getHold(slotItem.holdId) : null;
        if (existing) return { kind: 'held', hold: await correctDetails(existing, request) };
      }
      if (!isSlotFree(slotItem, nowMs)) return { kind: 'taken' };

      const liveHolds = Object.fromEntries(
        Object.entries(callItem?.holds ?? {}).filter(([, until]) => until > nowMs),
      );
      if (Object.keys(liveHolds).length >= request.maxLiveHolds) {
        return { kind: 'too_many_holds', liveHoldIds: Object.keys(liveHolds) };
      }

      const fence = (slotItem?.fence ?? 0) + 1;
      const newHold: Hold = {
        holdId: request.holdId,
        callId: call.callId,
        slot,
        fence,
        expiresAt,
        name: request.name,
        email: request.email,
        callerNumber: call.callerNumber,
        status: 'held',
        bookingId: null,
        createdAt: nowMs,
      };
      const callVersion = callItem?.version ?? 0;
      const retainUntilMs = Math.max(expiresAt, Date.parse(slot.start)) + SLOT_RETENTION_MS;
      const cells = claimCells(tableName, slot, { holdId: request.holdId, expiresAt, nowMs, retainUntilMs });
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: tableName,
                  Key: keys.slot(slot.eventTypeUri, slot.start),
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
                    ':callId': call.callId,
                    ':holdId': request.holdId,
                    ':fence': fence,
                    ':prevFence': fence - 1,
                    ':zero': 0,
                    ':expiresAt': expiresAt,
                    ':now': nowMs,
                    ':start': slot.start,
                    ':eventTypeUri': slot.eventTypeUri,
                    ':ttl': ttlSeconds(retainUntilMs),
                  },
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
              ...cells,
              {
                Update: {
                  TableName: tableName,
                  Key: keys.call(call.callId),
                  UpdateExpression:
                    'SET callId = :callId, holds = :holds, version = :nextVersion, startedAt = if_not_exists(startedAt, :now)',
                  ConditionExpression: callItem
                    ? 'version = :version OR attribute_not_exists(version)'
                    : 'attribute_not_exists(pk)',
                  ExpressionAttributeValues: {
                    ':callId': call.callId,
                    ':holds': { ...liveHolds, [request.holdId]: expiresAt },
                    ':nextVersion': callVersion + 1,
                    ':now': nowMs,
                    ...(callItem ? { ':version': callVersion } : {}),
                  },
                },
              },
              {
                Put: {
                  TableName: tableName,
                  Item: {
                    ...keys.hold(request.holdId),
                    ...itemOf(newHold),
                    ttl: ttlSeconds(Date.parse(slot.start) + SLOT_RETENTION_MS),
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        );
        return { kind: 'held', hold: newHold };
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (!reasons) throw error;
        const slotReason = reasons[0];
        if (slotReason?.code === 'ConditionalCheckFailed' && slotReason.item) {
          const current = SlotItemSchema.parse(slotReason.item);
          if (!isSlotFree(current, nowMs) && current.callId !== call.callId) return { kind: 'taken' };
        }
        // An overlapping appointment (any event type) owns one of the cells: the time is not free.
        const cellReasons = reasons.slice(1, 1 + cells.length);
        if (
          cellReasons.some(
            (reason) => reason.code === 'ConditionalCheckFailed' && !isCellFree(reason.item, nowMs),
          )
        ) {
          return { kind: 'taken' };
        }
        // Not final (fence moved on a free slot, the call item changed, a conflicting transaction): re-read.
        await backoff(attempt);
      }
    }
    return { kind: 'taken' };
  }

  /** The call stops counting this hold among its live ones (the version bump keeps the cap check honest). */
  function dropHoldFromCall(held: Hold) {
    return {
      Update: {
        TableName: tableName,
        Key: keys.call(held.callId),
        UpdateExpression: 'REMOVE holds.#holdId ADD version :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#holdId': held.holdId },
        ExpressionAttributeValues: { ':one': 1 },
      },
    };
  }

  async function release(held: Hold, now: Date): Promise<boolean> {
    return await retryConflicts(() => tryRelease(held, now), 'release');
  }

  async function tryRelease(held: Hold, now: Date): Promise<boolean | 'conflict'> {
    const dropFromCall = dropHoldFromCall(held);
    const markHoldReleased = {
      Update: {
        TableName: tableName,
        Key: keys.hold(held.holdId),
        UpdateExpression: 'SET #status = :released, releasedAt = :now',
        ConditionExpression: '#status = :held',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':released': 'released', ':held': 'held', ':now': now.getTime() },
      },
    };
    try {
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: tableName,
                Key: keys.slot(held.slot.eventTypeUri, held.slot.start),
                UpdateExpression: 'SET #state = :released REMOVE callId, holdId, expiresAt',
                ConditionExpression: 'holdId = :holdId AND #state = :held',
                ExpressionAttributeNames: { '#state': 'state' },
                ExpressionAttributeValues: {
                  ':released': 'released',
                  ':held': 'held',
                  ':holdId': held.holdId,
                },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            markHoldReleased,
            dropFromCall,
            // Cells last, so the indexes of the reasons above stay fixed.
            ...moveCells(tableName, held.slot, held.holdId, 'released'),
          ],
        }),
      );
      return true;
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      if (isTransactionConflict(reasons)) return 'conflict';
      if (reasons[0]?.code !== 'ConditionalCheckFailed' || reasons[1]?.code === 'ConditionalCheckFailed') {
        return false;
      }
      // The slot moved on (lease expired and someone else took it): the hold is over either way.
      await db
        .send(new TransactWriteCommand({ TransactItems: [markHoldReleased, dropFromCall] }))
        .catch((inner) => {
          if (!cancellationReasons(inner)) throw inner;
        });
      return false;
    }
  }

  async function confirm(held: Hold, booking: Booking, now: Date): Promise<ConfirmOutcome> {
    return await retryConflicts(() => tryConfirm(held, booking, now), 'confirm');
  }

  async function tryConfirm(held: Hold, booking: Booking, now: Date): Promise<ConfirmOutcome | 'conflict'> {
    const nowMs = now.getTime();
    try {
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: tableName,
                Key: keys.slot(held.slot.eventTypeUri, held.slot.start),
                UpdateExpression: 'SET #state = :booking, bookingId = :bookingId',
                ConditionExpression:
                  'holdId = :holdId AND fence = :fence AND #state = :held AND expiresAt > :now',
                ExpressionAttributeNames: { '#state': 'state' },
                ExpressionAttributeValues: {
                  ':booking': 'booking',
                  ':held': 'held',
                  ':bookingId': booking.bookingId,
                  ':holdId': held.holdId,
                  ':fence': held.fence,
                  ':now': nowMs,
                },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            {
              Update: {
                TableName: tableName,
                Key: keys.hold(held.holdId),
                UpdateExpression: 'SET #status = :confirmed, bookingId = :bookingId',
                ConditionExpression: '#status = :held',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':confirmed': 'confirmed',
                  ':held': 'held',
                  ':bookingId': booking.bookingId,
                },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            dropHoldFromCall(held),
            {
              Put: {
                TableName: tableName,
                Item: {
                  ...keys.booking(booking.bookingId),
                  ...itemOf(booking),
                  pendingPk: PENDING_PARTITION,
                  pendingSk: pendingSortKey(booking.dueAt, booking.bookingId),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            // Cells last, so the indexes of the reasons above stay fixed.
            ...moveCells(tableName, held.slot, held.holdId, 'booking'),
          ],
        }),
      );
      return { kind: 'confirmed', booking };
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      const slotItem = reasons[0]?.item ? SlotItemSchema.parse(reasons[0].item) : null;
      if (slotItem?.holdId === held.holdId && slotItem.bookingId && slotItem.state !== 'held') {
        return { kind: 'already_confirmed', bookingId: slotItem.bookingId };
      }
      const holdItem = reasons[1]?.item ? toHold(reasons[1].item) : null;
      if (holdItem?.status === 'confirmed' && holdItem.bookingId) {
        return { kind: 'already_confirmed', bookingId: holdItem.bookingId };
      }
      if (isTransactionConflict(reasons)) return 'conflict';
      return { kind: 'expired' };
    }
  }

  return {
    hold,
    getHold,
    release,
    confirm,
    occupiedCells: (fromIso, toIso, now) =>
      occupiedCells(db, tableName, Date.parse(fromIso), Date.parse(toIso), now.getTime()),
  };
}

/** Sort key of the pending index: when the booking is due next, unique per booking. */
export function pendingSortKey(dueAt: number, bookingId: string): string {
  return `${new Date(dueAt).toISOString()}#${bookingId}`;
}
