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
import { isLockFree, liveHoldsOf } from '../../domain/lock-rules.ts';
import type { Booking, Hold } from '../../domain/model.ts';
import type { ConfirmOutcome, HoldOutcome, HoldRequest, SlotLock } from '../../domain/ports.ts';
import { isCellFree, occupiedCells } from './cells.ts';
import { CallItemSchema, type SlotItem, SlotItemSchema, toHold } from './items.ts';
import { keys } from './keys.ts';
import {
  backoff,
  type CancellationReason,
  cancellationReasons,
  isTransactionConflict,
  retryConflicts,
  updateUnlessConditionFails,
} from './transactions.ts';
import { createTransitions } from './transitions.ts';

const MAX_ATTEMPTS = 6;

export function createSlotLock(db: DynamoDBDocumentClient, tableName: string): SlotLock {
  const to = createTransitions(tableName);

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
    const updated = await updateUnlessConditionFails(
      db,
      to.hold.correct(existing.holdId, request.call.callId, request),
    );
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
      if (!isLockFree(slotItem, nowMs)) return { kind: 'taken' };

      const liveHolds = liveHoldsOf(callItem?.holds ?? {}, nowMs);
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
      const cells = to.cells.claim(newHold, nowMs);
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              to.slot.take(newHold, nowMs),
              ...cells,
              to.call.addHold(newHold, { version: callItem ? callItem.version : null, liveHolds, nowMs }),
              to.hold.create(newHold),
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

  async function release(held: Hold, now: Date): Promise<boolean> {
    return await retryConflicts(() => tryRelease(held, now), 'release');
  }

  async function tryRelease(held: Hold, now: Date): Promise<boolean | 'conflict'> {
    const dropFromCall = to.call.dropHold(held);
    const markHoldReleased = to.hold.release(held.holdId, now.getTime());
    try {
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            to.slot.release(held.slot, { state: 'held', holdId: held.holdId }),
            markHoldReleased,
            dropFromCall,
            // Cells last, so the indexes of the reasons above stay fixed.
            ...to.cells.release(held.slot, held.holdId),
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
    const replaced = booking.replaces?.bookingId ?? null;
    try {
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            to.slot.confirm(held, booking.bookingId, nowMs),
            to.hold.confirm(held.holdId, booking.bookingId),
            to.call.confirmHold(held, booking.bookingId),
            to.booking.create(booking),
            ...(replaced ? [to.booking.startReschedule(replaced, booking.bookingId, nowMs)] : []),
            // Cells last, so the indexes of the reasons above stay fixed.
            ...to.cells.confirm(held.slot, held.holdId),
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
      if (replaced && reasons[4]?.code === 'ConditionalCheckFailed') return { kind: 'replaced_changed' };
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
    if (!isLockFree(current, context.nowMs) && current.callId !== context.callId) return true;
  }
  return reasons
    .slice(1, 1 + context.cellCount)
    .some((reason) => reason.code === 'ConditionalCheckFailed' && !isCellFree(reason.item, context.nowMs));
}
