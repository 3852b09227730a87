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
import { type CallItem, CallItemSchema, itemOf, type SlotItem, SlotItemSchema, toHold } from './items.ts';
import { keys, PENDING_PARTITION, ttlSeconds } from './keys.ts';
import {
  backoff,
  type CancellationReason,
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
      const cells = claimCells(tableName, slot, {
        holdId: request.holdId,
        expiresAt,
        nowMs,
        retainUntilMs: retainUntil(newHold),
      });
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              takeSlot(tableName, newHold, nowMs),
              ...cells,
              addHoldToCall(tableName, newHold, { callItem, liveHolds, nowMs }),
              putHold(tableName, newHold),
            ],
          }),
        );
        return { kind: 'held', hold: newHold };
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (!reasons) throw error;
        if (isTakenBy(reasons, { cellCount: cells.length, callId: call.callId, nowMs }))
          return { kind: 'taken' };
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

// ---------------------------------------------------------------- the items of a hold's transaction

/** How long a held slot's items are kept: past its lease and its start, for support questions. */
function retainUntil(hold: Hold): number {
  return Math.max(hold.expiresAt, Date.parse(hold.slot.start)) + SLOT_RETENTION_MS;
}

/** The slot moves to `held` by this hold, if it is free: never taken, released, or held past its lease. */
function takeSlot(tableName: string, hold: Hold, nowMs: number) {
  const { slot } = hold;
  return {
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
        ':callId': hold.callId,
        ':holdId': hold.holdId,
        ':fence': hold.fence,
        ':prevFence': hold.fence - 1,
        ':zero': 0,
        ':expiresAt': hold.expiresAt,
        ':now': nowMs,
        ':start': slot.start,
        ':eventTypeUri': slot.eventTypeUri,
        ':ttl': ttlSeconds(retainUntil(hold)),
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    },
  };
}

/** The call counts the hold among its live ones; its version makes the live-hold cap check atomic. */
function addHoldToCall(
  tableName: string,
  hold: Hold,
  seen: { callItem: CallItem | null; liveHolds: Record<string, number>; nowMs: number },
) {
  const version = seen.callItem?.version ?? 0;
  return {
    Update: {
      TableName: tableName,
      Key: keys.call(hold.callId),
      UpdateExpression:
        'SET callId = :callId, holds = :holds, version = :nextVersion, startedAt = if_not_exists(startedAt, :now)',
      ConditionExpression: seen.callItem
        ? 'version = :version OR attribute_not_exists(version)'
        : 'attribute_not_exists(pk)',
      ExpressionAttributeValues: {
        ':callId': hold.callId,
        ':holds': { ...seen.liveHolds, [hold.holdId]: hold.expiresAt },
        ':nextVersion': version + 1,
        ':now': seen.nowMs,
        ...(seen.callItem ? { ':version': version } : {}),
      },
    },
  };
}

/** The hold item itself, written once. */
function putHold(tableName: string, hold: Hold) {
  return {
    Put: {
      TableName: tableName,
      Item: {
        ...keys.hold(hold.holdId),
        ...itemOf(hold),
        ttl: ttlSeconds(Date.parse(hold.slot.start) + SLOT_RETENTION_MS),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/**
 * Whether a cancelled hold transaction says the time is taken (final) rather than something to retry: the
 * slot (first item) is held or booked by another call, or an overlapping appointment of any event type
 * owns one of the cells (the next `cellCount` items).
 */
function isTakenBy(
  reasons: CancellationReason[],
  context: { cellCount: number; callId: string; nowMs: number },
): boolean {
  const slotReason = reasons[0];
  if (slotReason?.code === 'ConditionalCheckFailed' && slotReason.item) {
    const current = SlotItemSchema.parse(slotReason.item);
    if (!isSlotFree(current, context.nowMs) && current.callId !== context.callId) return true;
  }
  return reasons
    .slice(1, 1 + context.cellCount)
    .some((reason) => reason.code === 'ConditionalCheckFailed' && !isCellFree(reason.item, context.nowMs));
}

/** Sort key of the pending index: when the booking is due next, unique per booking. */
export function pendingSortKey(dueAt: number, bookingId: string): string {
  return `${new Date(dueAt).toISOString()}#${bookingId}`;
}
