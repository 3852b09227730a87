import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../shared/adapters/dynamodb/keys.ts';
import { createDynamoStore, type DynamoStore } from '../../shared/adapters/dynamodb/store.ts';
import { bookingFromHold } from '../../shared/domain/bookings.ts';
import { newBookingId } from '../../shared/domain/ids.ts';
import type { Booking, Hold, SlotRef } from '../../shared/domain/model.ts';
import type { HoldRequest } from '../../shared/domain/ports.ts';
import { createTestTable, type TestTable } from '../fixtures/dynamodb.ts';
import { holdRequest as baseHoldRequest, freshSlot, LEASE_MS, TEST_EVENT_TYPE } from '../fixtures/holds.ts';

const EVENT_TYPE = TEST_EVENT_TYPE;
const T0 = new Date('2026-12-01T15:00:00.000Z');
/** Hold requests default to the start of the test clock. */
function holdRequest(callId: string, slot: SlotRef, now = T0, extra: Partial<HoldRequest> = {}): HoldRequest {
  return baseHoldRequest(callId, slot, now, extra);
}

function bookingFor(hold: Hold, now = T0): Booking {
  return bookingFromHold(hold, { timezone: 'America/New_York', now });
}

async function heldOrFail(store: DynamoStore, request: HoldRequest): Promise<Hold> {
  const outcome = await store.slots.hold(request);
  if (outcome.kind !== 'held') throw new Error(`expected a hold, got ${outcome.kind}`);
  return outcome.hold;
}

const plus = (ms: number) => new Date(T0.getTime() + ms);

describe('slot lock on DynamoDB Local', () => {
  let table: TestTable;
  let store: DynamoStore;

  beforeAll(async () => {
    table = await createTestTable('lock');
    store = createDynamoStore({ tableName: table.tableName, documentClient: table.documentClient });
  });

  async function slotItem(slot: SlotRef) {
    const { Item } = await table.documentClient.send(
      new GetCommand({
        TableName: table.tableName,
        Key: keys.slot(slot.eventTypeUri, slot.start),
        ConsistentRead: true,
      }),
    );
    return Item;
  }

  /** Confirms a hold, lets a worker claim it, and has Calendly refuse it for good (slot released). */
  async function failedInCalendly(hold: Hold): Promise<Booking> {
    const booking = bookingFor(hold);
    await store.slots.confirm(hold, booking, plus(1000));
    const claimed = await store.bookings.claim(booking.bookingId, plus(2000), { staleAfterMs: 60_000 });
    if (claimed.kind !== 'claimed') throw new Error(claimed.kind);
    await store.bookings.markFailed(
      claimed.booking,
      { code: 'slot_unavailable', message: 'taken' },
      plus(3000),
      { smsOwed: false },
    );
    return booking;
  }

  it('gives exactly one of 50 concurrent callers the slot', async () => {
    const slot = freshSlot();
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) => store.slots.hold(holdRequest(`CA-race-${i}`, slot))),
    );
    const winners = outcomes.flatMap((outcome) => (outcome.kind === 'held' ? [outcome.hold] : []));
    expect(winners).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.kind === 'taken')).toHaveLength(49);
    const item = await slotItem(slot);
    expect(item).toMatchObject({
      state: 'held',
      holdId: winners[0]?.holdId,
      callId: winners[0]?.callId,
      fence: 1,
    });
  });

  it('lets the next caller take a slot whose lease expired, before TTL deletes anything', async () => {
    const slot = freshSlot();
    const first = await heldOrFail(store, holdRequest('CA-first', slot));
    expect((await store.slots.hold(holdRequest('CA-second', slot, plus(LEASE_MS - 1)))).kind).toBe('taken');

    const second = await heldOrFail(store, holdRequest('CA-second', slot, plus(LEASE_MS)));
    expect(second.fence).toBe(first.fence + 1);
    const item = await slotItem(slot);
    expect(item).toMatchObject({ holdId: second.holdId, fence: 2 });
    // The TTL attribute is still in the future: the take-over relied on expiresAt, not on deletion.
    expect(item?.ttl).toBeGreaterThan(plus(LEASE_MS).getTime() / 1000);
  });

  it('returns the existing hold when the same call holds the same slot again', async () => {
    const slot = freshSlot();
    const first = await heldOrFail(store, holdRequest('CA-again', slot));
    const again = await heldOrFail(store, holdRequest('CA-again', slot, plus(1000)));
    expect(again.holdId).toBe(first.holdId);
  });

  it('takes a corrected name and email when the same call holds the same slot again', async () => {
    const slot = freshSlot();
    const first = await heldOrFail(store, holdRequest('CA-fix', slot));
    const corrected = await heldOrFail(
      store,
      holdRequest('CA-fix', slot, plus(1000), { name: 'John Smith', email: 'john@example.com' }),
    );
    expect(corrected).toMatchObject({ holdId: first.holdId, name: 'John Smith', email: 'john@example.com' });
    expect(await store.slots.getHold(first.holdId)).toMatchObject({
      name: 'John Smith',
      email: 'john@example.com',
    });
  });

  it('allows at most two live holds per call and stops counting expired ones', async () => {
    const callId = 'CA-greedy';
    await heldOrFail(store, holdRequest(callId, freshSlot()));
    await heldOrFail(store, holdRequest(callId, freshSlot()));
    const third = await store.slots.hold(holdRequest(callId, freshSlot()));
    expect(third.kind).toBe('too_many_holds');

    const later = await store.slots.hold(holdRequest(callId, freshSlot(), plus(LEASE_MS + 1)));
    expect(later.kind).toBe('held');
  });

  it('frees the slot for others when a hold is released', async () => {
    const slot = freshSlot();
    const hold = await heldOrFail(store, holdRequest('CA-release', slot));
    expect(await store.slots.release(hold, plus(1000))).toBe(true);
    expect(await store.slots.release(hold, plus(2000))).toBe(false);
    expect((await store.slots.getHold(hold.holdId))?.status).toBe('released');
    const next = await heldOrFail(store, holdRequest('CA-next', slot, plus(3000)));
    expect(next.fence).toBe(2);
  });

  it('confirms a live hold once and reports the same booking on a repeat', async () => {
    const slot = freshSlot();
    const hold = await heldOrFail(store, holdRequest('CA-confirm', slot));
    const booking = bookingFor(hold);
    const first = await store.slots.confirm(hold, booking, plus(1000));
    expect(first.kind).toBe('confirmed');
    const repeat = await store.slots.confirm(hold, bookingFor(hold), plus(2000));
    expect(repeat).toEqual({ kind: 'already_confirmed', bookingId: booking.bookingId });
    expect(await slotItem(slot)).toMatchObject({ state: 'booking', bookingId: booking.bookingId });
    // A slot on its way into Calendly cannot be taken, however long the lease has been gone.
    expect((await store.slots.hold(holdRequest('CA-late', slot, plus(10 * LEASE_MS)))).kind).toBe('taken');
  });

  it('refuses to confirm a hold whose lease expired', async () => {
    const slot = freshSlot();
    const hold = await heldOrFail(store, holdRequest('CA-slow', slot));
    const outcome = await store.slots.confirm(hold, bookingFor(hold), plus(LEASE_MS + 1));
    expect(outcome.kind).toBe('expired');
    expect(await store.bookings.get(bookingFor(hold).bookingId)).toBeNull();
  });

  it('never lets a worker whose hold was lost claim the booking', async () => {
    const slot = freshSlot();
    // Calendly refused it: the slot is released, then another caller takes it (fence 2).
    const booking = await failedInCalendly(await heldOrFail(store, holdRequest('CA-lost', slot)));
    await heldOrFail(store, holdRequest('CA-other', slot, plus(4000)));
    // A duplicate of the old message arrives: the booking is finished and the slot belongs to someone else.
    expect((await store.bookings.claim(booking.bookingId, plus(5000), { staleAfterMs: 60_000 })).kind).toBe(
      'finished',
    );
  });

  it('refuses the claim when the slot fence moved on under a queued booking', async () => {
    const slot = freshSlot();
    const hold = await heldOrFail(store, holdRequest('CA-fenced', slot));
    const booking = bookingFor(hold);
    await store.slots.confirm(hold, booking, plus(1000));
    // Simulate a stale booking record: same booking, but written against an older fence.
    const stale = { ...booking, bookingId: newBookingId(), fence: hold.fence - 1 };
    await table.documentClient.send(
      new (await import('@aws-sdk/lib-dynamodb')).PutCommand({
        TableName: table.tableName,
        Item: { ...keys.booking(stale.bookingId), ...stale },
      }),
    );
    expect((await store.bookings.claim(stale.bookingId, plus(2000), { staleAfterMs: 60_000 })).kind).toBe(
      'hold_lost',
    );
  });

  it('lets one worker post at a time and hands a stale lease over with a reconcile flag', async () => {
    const slot = freshSlot();
    const hold = await heldOrFail(store, holdRequest('CA-workers', slot));
    const booking = bookingFor(hold);
    await store.slots.confirm(hold, booking, plus(1000));
    const first = await store.bookings.claim(booking.bookingId, plus(2000), { staleAfterMs: 60_000 });
    expect(first).toMatchObject({ kind: 'claimed', mayExist: false });
    expect((await store.bookings.claim(booking.bookingId, plus(3000), { staleAfterMs: 60_000 })).kind).toBe(
      'busy',
    );
    const takeover = await store.bookings.claim(booking.bookingId, plus(70_000), { staleAfterMs: 60_000 });
    expect(takeover).toMatchObject({ kind: 'claimed', mayExist: true });
    if (takeover.kind !== 'claimed') return;
    const ref = { inviteeUri: 'i', eventUri: 'e', cancelUrl: 'c', rescheduleUrl: 'r' };
    const booked = await store.bookings.markBooked(takeover.booking, ref, plus(71_000), { smsOwed: false });
    expect(booked).toMatchObject({ status: 'booked', calendly: ref });
    expect(await slotItem(slot)).toMatchObject({ state: 'booked' });
    // A redelivered message finds it finished; marking it booked again changes nothing.
    expect(
      (await store.bookings.markBooked(takeover.booking, ref, plus(72_000), { smsOwed: false })).status,
    ).toBe('booked');
    expect(await store.bookings.listDue(plus(10 * 60_000), 10)).not.toContainEqual(
      expect.objectContaining({ bookingId: booking.bookingId }),
    );
  });

  it('keeps a finished booking due while its SMS is owed: claimSms takes it out, releaseSmsClaim puts it back', async () => {
    const hold = await heldOrFail(store, holdRequest('CA-owed', freshSlot()));
    const booking = bookingFor(hold);
    await store.slots.confirm(hold, booking, plus(1000));
    const claimed = await store.bookings.claim(booking.bookingId, plus(2000), { staleAfterMs: 60_000 });
    if (claimed.kind !== 'claimed') throw new Error(claimed.kind);
    const ref = { inviteeUri: 'i', eventUri: 'e', cancelUrl: 'c', rescheduleUrl: 'r' };
    await store.bookings.markBooked(claimed.booking, ref, plus(3000), { smsOwed: true });
    const isDue = async () =>
      (await store.bookings.listDue(plus(10 * 60_000), 100)).some(
        (due) => due.bookingId === booking.bookingId,
      );
    expect(await isDue()).toBe(true);
    expect(await store.bookings.claimSms(booking.bookingId, plus(4000))).toBe(true);
    expect(await isDue()).toBe(false);
    await store.bookings.releaseSmsClaim(booking.bookingId, plus(5000));
    expect(await isDue()).toBe(true);
    expect((await store.bookings.get(booking.bookingId))?.status).toBe('booked');
  });

  it('counts the cells of live holds and bookings as occupied, and not those of expired or released holds', async () => {
    const base = Date.parse('2026-12-10T15:00:00Z');
    const at = (minutes: number) => ({
      eventTypeUri: EVENT_TYPE,
      start: new Date(base + minutes * 60_000).toISOString(),
      durationMinutes: 30,
    });
    await heldOrFail(store, holdRequest('CA-t1', at(0)));
    await heldOrFail(store, holdRequest('CA-t2', at(30), plus(-LEASE_MS - 1)));
    const released = await heldOrFail(store, holdRequest('CA-t3', at(60)));
    await store.slots.release(released, plus(1));
    const confirmed = await heldOrFail(store, holdRequest('CA-t4', at(90)));
    await store.slots.confirm(confirmed, bookingFor(confirmed), plus(2));
    const occupied = await store.slots.occupiedCells(
      new Date(base - 60_000).toISOString(),
      new Date(base + 24 * 3600_000).toISOString(),
      plus(3),
    );
    const minutes = [...occupied].map((cell) => (cell - base) / 60_000).sort((a, b) => a - b);
    expect(minutes).toEqual([0, 5, 10, 15, 20, 25, 90, 95, 100, 105, 110, 115]);
  });

  it('refuses an appointment that overlaps a held one of another event type', async () => {
    const base = Date.parse('2026-12-11T17:00:00Z');
    const cleaning = {
      eventTypeUri: `${EVENT_TYPE}-60`,
      start: new Date(base).toISOString(),
      durationMinutes: 60,
    };
    const consult = {
      eventTypeUri: EVENT_TYPE,
      start: new Date(base + 30 * 60_000).toISOString(),
      durationMinutes: 30,
    };
    const adjacent = {
      eventTypeUri: EVENT_TYPE,
      start: new Date(base + 60 * 60_000).toISOString(),
      durationMinutes: 30,
    };
    await heldOrFail(store, holdRequest('CA-long', cleaning));
    expect((await store.slots.hold(holdRequest('CA-overlap', consult))).kind).toBe('taken');
    expect((await store.slots.hold(holdRequest('CA-adjacent', adjacent))).kind).toBe('held');
    // Once the long hold's lease runs out, the overlapping time can be held.
    expect((await store.slots.hold(holdRequest('CA-overlap', consult, plus(LEASE_MS)))).kind).toBe('held');
  });

  it('gives exactly one of many concurrent overlapping appointments the time', async () => {
    const base = Date.parse('2026-12-14T15:00:00Z');
    const requests = Array.from({ length: 20 }, (_, i) =>
      holdRequest(`CA-mixed-${i}`, {
        eventTypeUri: `${EVENT_TYPE}-${i % 3}`,
        start: new Date(base + (i % 4) * 15 * 60_000).toISOString(),
        durationMinutes: 60,
      }),
    );
    const outcomes = await Promise.all(requests.map((request) => store.slots.hold(request)));
    expect(outcomes.filter((outcome) => outcome.kind === 'held')).toHaveLength(1);
  });

  it('frees the cells when a booking fails in Calendly', async () => {
    const slot = freshSlot();
    await failedInCalendly(await heldOrFail(store, holdRequest('CA-fails', slot)));
    const overlapping = {
      ...slot,
      eventTypeUri: `${EVENT_TYPE}-other`,
      start: new Date(Date.parse(slot.start) + 10 * 60_000).toISOString(),
    };
    expect((await store.slots.hold(holdRequest('CA-after', overlapping, plus(4000)))).kind).toBe('held');
  });

  it('sends the SMS claim to exactly one of several concurrent workers', async () => {
    const hold = await heldOrFail(store, holdRequest('CA-sms', freshSlot()));
    const booking = bookingFor(hold);
    await store.slots.confirm(hold, booking, plus(1000));
    const claims = await Promise.all(
      Array.from({ length: 5 }, () => store.bookings.claimSms(booking.bookingId, plus(2000))),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });
});
