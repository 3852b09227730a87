/**
 * Booking items and the worker's side of the slot lock. A booking is claimed for posting in the same
 * transaction that re-checks the slot is still held for it (holder + fence), so a worker holding a stale
 * message can never post. A posting lease that outlives the worker's timeout lets a redelivery take over
 * after a crash; the taker reconciles with Calendly before posting again.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Booking, CalendlyBookingRef } from '../../domain/model.ts';
import type { BookingRepository, ClaimOutcome } from '../../domain/ports.ts';
import { cellsOf } from '../../domain/slot-cells.ts';
import { BookingItemSchema, toBooking } from './items.ts';
import { keys, PENDING_PARTITION } from './keys.ts';
import { listPending } from './pending-index.ts';
import {
  backoff,
  cancellationReasons,
  isTransactionConflict,
  updateUnlessConditionFails,
} from './transactions.ts';
import { createTransitions, type UpdateSpec } from './transitions.ts';

const MAX_ATTEMPTS = 5;

export function createBookingRepository(db: DynamoDBDocumentClient, tableName: string): BookingRepository {
  const to = createTransitions(tableName);

  async function readRaw(bookingId: string) {
    const { Item } = await db.send(
      new GetCommand({ TableName: tableName, Key: keys.booking(bookingId), ConsistentRead: true }),
    );
    return Item ? BookingItemSchema.parse(Item) : null;
  }

  /** The item each booking this adapter handed out was read from (the domain's Booking leaves some out). */
  const readFrom = new WeakMap<Booking, NonNullable<Awaited<ReturnType<typeof readRaw>>>>();

  async function get(bookingId: string): Promise<Booking | null> {
    const item = await readRaw(bookingId);
    if (!item) return null;
    const booking = toBooking(item);
    readFrom.set(booking, item);
    return booking;
  }

  async function claim(
    bookingId: string,
    now: Date,
    options: { staleAfterMs: number; seen?: Booking | undefined },
  ): Promise<ClaimOutcome> {
    const nowMs = now.getTime();
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      // The caller's fresh read (if this adapter made it) stands in for the first one.
      const seen = attempt === 0 && options.seen ? readFrom.get(options.seen) : undefined;
      const item = seen ?? (await readRaw(bookingId));
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
              to.slot.stillBooking(item),
              to.booking.claim(item, nowMs, nowMs + options.staleAfterMs),
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

  /** Frees the cells this booking's hold still owns, one by one; cells someone else owns now are left alone. */
  async function releaseOwnCells(booking: Booking): Promise<void> {
    for (const cell of cellsOf(booking.slot)) {
      await updateUnlessConditionFails(db, to.cells.releaseOne(cell, booking.holdId));
    }
  }

  /** The phone mirror's entry for a booking we made, when it has a number and is in Calendly. */
  function mirrorOf(booking: Booking, calendly: CalendlyBookingRef | null) {
    if (!booking.callerNumber || !calendly) return null;
    return {
      phone: booking.callerNumber,
      appointment: {
        eventUri: calendly.eventUri,
        inviteeUri: calendly.inviteeUri,
        eventTypeUri: booking.slot.eventTypeUri,
        start: booking.slot.start,
        name: booking.name,
        email: booking.email,
        bookingId: booking.bookingId,
      },
    };
  }

  /** The mirror entry of a booking that stops being an upcoming appointment, as transaction items. */
  function forgetMirror(booking: Booking) {
    const mirror = mirrorOf(booking, booking.calendly);
    return mirror ? [to.appointment.forget(mirror.phone, mirror.appointment)] : [];
  }

  /**
   * Moves a booking to a final state together with its slot (and, when the slot is freed, its cells) and its
   * phone mirror entry; if the slot is not ours any more, the booking (and mirror) alone.
   */
  async function finish(
    booking: Booking,
    bookingSet: Record<string, unknown>,
    slotUpdate: { Update: UpdateSpec },
    now: Date,
    options: {
      from: Booking['status'][];
      freesCells: boolean;
      smsOwed: boolean;
      newSms?: boolean;
      mirror?: { Update: UpdateSpec } | { Delete: { TableName: string; Key: Record<string, string> } };
    },
  ): Promise<Booking> {
    const { freesCells, mirror } = options;
    const bookingUpdate = to.booking.finish(booking, bookingSet, {
      from: options.from,
      nowMs: now.getTime(),
      smsOwed: options.smsOwed,
      newSms: options.newSms ?? false,
    });
    const cells = freesCells ? to.cells.release(booking.slot, booking.holdId) : [];
    try {
      await db.send(
        new TransactWriteCommand({
          // The mirror last, after the cells, so the indexes of the reasons read below stay fixed.
          TransactItems: [slotUpdate, { Update: bookingUpdate }, ...cells, ...(mirror ? [mirror] : [])],
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
      if (mirror) {
        await db.send(
          'Update' in mirror ? new UpdateCommand(mirror.Update) : new DeleteCommand(mirror.Delete),
        );
      }
      const stored = await get(booking.bookingId);
      if (!stored) throw new Error('booking vanished while finishing it');
      return stored;
    }
    // What the transaction wrote, without reading it back (`mayExist` is the item's, not the domain's).
    const { mayExist: _mayExist, ...domainSet } = bookingSet;
    return {
      ...booking,
      ...(domainSet as Partial<Booking>),
      postingStartedAt: null,
      smsSentAt: options.newSms ? null : booking.smsSentAt,
      dueAt: options.smsOwed ? now.getTime() : booking.dueAt,
      updatedAt: now.getTime(),
    };
  }

  return {
    get,
    claim,

    markBooked(booking, calendly, now, { smsOwed }) {
      const mirror = mirrorOf(booking, calendly);
      return finish(booking, { status: 'booked', calendly, mayExist: false }, to.slot.book(booking), now, {
        from: ['posting', 'queued'],
        freesCells: false,
        smsOwed,
        ...(mirror ? { mirror: to.appointment.record(mirror.phone, mirror.appointment) } : {}),
      });
    },

    markFailed(booking, failure, now, { smsOwed }) {
      return finish(
        booking,
        { status: 'failed', failure },
        to.slot.release(booking.slot, { state: 'booking', holdId: booking.holdId, fence: booking.fence }),
        now,
        { from: ['posting', 'queued'], freesCells: true, smsOwed },
      );
    },

    async startCancel(booking, callId, now, { retryAt }) {
      const started = await updateUnlessConditionFails(db, {
        ...to.booking.startCancel(booking, { callId, nowMs: now.getTime(), retryAt: retryAt.getTime() })
          .Update,
        ReturnValues: 'ALL_NEW',
      });
      if (started?.Attributes) return { kind: 'started', booking: toBooking(started.Attributes) };
      const stored = await get(booking.bookingId);
      if (!stored) throw new Error('booking vanished while canceling it');
      return { kind: 'not_booked', booking: stored };
    },

    finishCancel(booking, now, { smsOwed }) {
      const [mirror] = forgetMirror(booking);
      return finish(
        booking,
        { status: 'canceled' },
        to.slot.release(booking.slot, { state: 'booked', bookingId: booking.bookingId }),
        now,
        {
          from: ['canceling', 'rescheduling'],
          freesCells: true,
          smsOwed,
          newSms: true,
          ...(mirror ? { mirror } : {}),
        },
      );
    },

    async abandonReschedule(bookingId, movedTo, now) {
      await updateUnlessConditionFails(db, to.booking.abandonReschedule(bookingId, movedTo, now.getTime()));
    },

    async markReplacedCanceled(booking, now, { stillDue }) {
      await updateUnlessConditionFails(
        db,
        to.booking.replacedCanceled(booking.bookingId, { nowMs: now.getTime(), stillDue }),
      );
      const stored = await get(booking.bookingId);
      if (!stored) throw new Error('booking vanished while finishing its reschedule');
      return stored;
    },

    async abandonCancel(booking, now) {
      await updateUnlessConditionFails(db, to.booking.abandonCancel(booking, now.getTime()));
    },

    async unclaim(booking, { mayExist, retryAt }, now) {
      await updateUnlessConditionFails(
        db,
        to.booking.unclaim(booking, { mayExist, retryAt: retryAt.getTime(), nowMs: now.getTime() }),
      );
    },

    async markCanceled(bookingId, inviteeUri, now) {
      const booking = await get(bookingId);
      if (booking?.status !== 'booked' && booking?.status !== 'rescheduling') return 'not_booked';
      if (booking.calendly?.inviteeUri !== inviteeUri) return 'other_invitee';
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              to.booking.canceledInCalendly(bookingId, inviteeUri, now.getTime()),
              to.slot.release(booking.slot, { state: 'booked', bookingId }),
              ...to.cells.release(booking.slot, booking.holdId),
              ...forgetMirror(booking),
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
      const claimed = await updateUnlessConditionFails(db, to.booking.claimSms(bookingId, now.getTime()));
      return claimed !== null;
    },

    async releaseSmsClaim(bookingId, now) {
      // Back into the pending index, so the SMS is retried even if no redelivery comes.
      await db.send(new UpdateCommand(to.booking.releaseSmsClaim(bookingId, now.getTime())));
    },

    async listDue(before, limit) {
      return (await listPending(db, tableName, PENDING_PARTITION, before, limit)).map(toBooking);
    },
  };
}
