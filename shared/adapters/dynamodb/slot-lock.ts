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
import { cellsOf } from '../../domain/slot-cells.ts';
import { byBucket, isCellFree, occupiedCells } from './cells.ts';
import { CallItemSchema, SlotItemSchema, toHold } from './items.ts';
import { keys } from './keys.ts';
import { recentlyKnown } from './recent.ts';
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
/** Slots whose fence this container remembers. */
const REMEMBERED_FENCES = 1024;

export function createSlotLock(db: DynamoDBDocumentClient, tableName: string): SlotLock {
  const to = createTransitions(tableName);

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

  /**
   * Fences this container last wrote, by slot: the fence a take of the slot must name. A slot nobody took
   * before is 0; a guess that is wrong (another container took it since) fails the transaction, whose
   * answer carries the slot's real fence for the second try.
   */
  const knownFences = recentlyKnown<number>(REMEMBERED_FENCES);
  const slotKeyOf = (slot: HoldRequest['slot']) => JSON.stringify(keys.slot(slot.eventTypeUri, slot.start));

  /**
   * One transaction, no reads first: what the caller read of the call (`request.seen`) and the fence this
   * container knows stand in for them, and a failed condition's answer (ALL_OLD) corrects either.
   */
  async function hold(request: HoldRequest): Promise<HoldOutcome> {
    const { call, slot, now } = request;
    const nowMs = now.getTime();
    const expiresAt = nowMs + request.leaseMs;
    let seen = { version: request.seen?.revision ?? null, holds: request.seen?.holds ?? {} };
    let previousFence = knownFences.get(slotKeyOf(slot)) ?? 0;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const liveHolds = liveHoldsOf(seen.holds, nowMs);
      if (Object.keys(liveHolds).length >= request.maxLiveHolds) {
        return { kind: 'too_many_holds', liveHoldIds: Object.keys(liveHolds) };
      }
      const newHold: Hold = {
        holdId: request.holdId,
        callId: call.callId,
        slot,
        fence: previousFence + 1,
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
              to.call.addHold(newHold, { version: seen.version, holds: seen.holds, nowMs }),
              to.hold.create(newHold),
              // Cells last, so the indexes of the reasons above stay fixed.
              ...cells,
            ],
          }),
        );
        knownFences.set(slotKeyOf(slot), newHold.fence);
        return { kind: 'held', hold: newHold };
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (!reasons) throw error;
        const [slotReason, callReason, holdReason] = reasons;
        // This hold exists already: a replay of the tool call that made it gets it back as it was.
        if (holdReason?.code === 'ConditionalCheckFailed') {
          const stored = holdReason.item ? toHold(holdReason.item) : null;
          if (stored?.callId !== call.callId) throw new Error('hold id already used by another call');
          return { kind: 'held', hold: stored };
        }
        const current = slotReason?.item ? SlotItemSchema.parse(slotReason.item) : null;
        if (slotReason?.code === 'ConditionalCheckFailed') {
          // The same call asking again for a slot it already holds gets its existing hold back.
          if (
            current?.state === 'held' &&
            current.callId === call.callId &&
            (current.expiresAt ?? 0) > nowMs
          ) {
            const existing = current.holdId ? await getHold(current.holdId) : null;
            if (existing) return { kind: 'held', hold: await correctDetails(existing, request) };
          }
          if (current && !isLockFree(current, nowMs)) return { kind: 'taken' };
          // Free, under a fence this container did not know.
          previousFence = current?.fence ?? 0;
        }
        if (isTakenBy(reasons.slice(3), newHold.slot, nowMs)) return { kind: 'taken' };
        if (callReason?.code === 'ConditionalCheckFailed') {
          // The call's holds changed since they were read: count them again as they are.
          const callItem = callReason.item ? CallItemSchema.parse(callReason.item) : null;
          seen = { version: callItem ? callItem.version : null, holds: callItem?.holds ?? {} };
        }
        // Nothing final (a corrected fence or call, a conflicting transaction): try again at once or shortly.
        if (isTransactionConflict(reasons)) await backoff(attempt);
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

/** Whether the cell buckets' answers of a cancelled hold transaction say an overlapping appointment owns the time. */
function isTakenBy(bucketReasons: CancellationReason[], slot: HoldRequest['slot'], nowMs: number): boolean {
  return byBucket(cellsOf(slot)).some(({ indexes }, position) => {
    const reason = bucketReasons[position];
    return (
      reason?.code === 'ConditionalCheckFailed' &&
      indexes.some((index) => !isCellFree(reason.item, index, nowMs))
    );
  });
}
