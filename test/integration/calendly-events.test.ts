import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_ACCESS } from '../../infra/booking-stack.ts';
import { createAppointmentMirror } from '../../shared/adapters/dynamodb/appointment-mirror.ts';
import { createAvailabilityCache } from '../../shared/adapters/dynamodb/availability-cache.ts';
import { createBookingRepository } from '../../shared/adapters/dynamodb/booking-repository.ts';
import { createDynamoStore, type DynamoStore } from '../../shared/adapters/dynamodb/store.ts';
import { bookingFromHold } from '../../shared/domain/bookings.ts';
import { handleInviteeEvent, type InviteeEvent } from '../../shared/domain/calendly-events.ts';
import { newHoldId } from '../../shared/domain/ids.ts';
import type { Booking } from '../../shared/domain/model.ts';
import type { AvailabilityCachePort } from '../../shared/domain/ports.ts';
import { createTestTable, type TestTable } from '../fixtures/dynamodb.ts';
import { freshSlot, holdRequest } from '../fixtures/holds.ts';
import { grantCheckedDocumentClient } from '../fixtures/table-grants.ts';

const T0 = new Date('2026-12-01T15:00:00.000Z');
const plus = (ms: number) => new Date(T0.getTime() + ms);
describe('Calendly invitee events (DynamoDB Local, within the calendly-webhook role)', () => {
  let table: TestTable;
  let store: DynamoStore;
  /** What the calendly-webhook function uses, through a client that enforces its IAM grant. */
  let webhook: Parameters<typeof handleInviteeEvent>[0];

  beforeAll(async () => {
    table = await createTestTable('events');
    store = createDynamoStore({ tableName: table.tableName, documentClient: table.documentClient });
    const access = FUNCTION_ACCESS['calendly-webhook'].table;
    if (!access) throw new Error('calendly-webhook has no table access');
    const db = grantCheckedDocumentClient(table.endpoint, access);
    webhook = {
      store: {
        bookings: createBookingRepository(db, table.tableName),
        appointments: createAppointmentMirror(db, table.tableName),
      },
      cache: createAvailabilityCache(db, table.tableName),
    };
  });

  /** A booking of ours that the worker booked in Calendly as `inviteeUri`. */
  async function bookedBooking(inviteeUri: string): Promise<Booking> {
    const slot = freshSlot();
    const held = await store.slots.hold(holdRequest(`CA-${newHoldId()}`, slot, T0));
    if (held.kind !== 'held') throw new Error(`expected a hold, got ${held.kind}`);
    const booking = bookingFromHold(held.hold, { timezone: 'America/New_York', now: T0 });
    await store.slots.confirm(held.hold, booking, plus(1_000));
    const claimed = await store.bookings.claim(booking.bookingId, plus(2_000), { staleAfterMs: 60_000 });
    if (claimed.kind !== 'claimed') throw new Error(`expected a claim, got ${claimed.kind}`);
    const ref = { inviteeUri, eventUri: `${inviteeUri}/event`, cancelUrl: 'c', rescheduleUrl: 'r' };
    return await store.bookings.markBooked(claimed.booking, ref, plus(3_000), { smsOwed: false });
  }

  function canceled(booking: Booking, inviteeUri: string | null): InviteeEvent {
    return {
      event: 'invitee.canceled',
      bookingId: booking.bookingId,
      inviteeUri,
      eventTypeUri: booking.slot.eventTypeUri,
      start: booking.slot.start,
      appointment: null,
      phoneFields: [],
    };
  }

  /** Whether a new caller can hold the booking's time now. */
  async function isSlotFree(booking: Booking): Promise<boolean> {
    const outcome = await store.slots.hold(
      holdRequest(`CA-next-${booking.bookingId}`, booking.slot, plus(5_000)),
    );
    return outcome.kind === 'held';
  }

  it('frees our slot when the invitee we booked is canceled', async () => {
    const invitee = 'https://api.calendly.com/scheduled_events/EV-1/invitees/INV-1';
    const booking = await bookedBooking(invitee);
    const outcome = await handleInviteeEvent(webhook, canceled(booking, invitee), plus(4_000));
    expect(outcome.cancellation).toEqual({ bookingId: booking.bookingId, outcome: 'canceled' });
    expect(outcome.invalidatedDays).toContain(booking.slot.start.slice(0, 10));
    expect((await store.bookings.get(booking.bookingId))?.status).toBe('canceled');
    expect(await isSlotFree(booking)).toBe(true);
  });

  it.each([
    ['another invitee', 'https://api.calendly.com/scheduled_events/EV-X/invitees/STRANGER'],
    ['no invitee', null],
  ])('leaves our booking booked when a cancellation names %s with our booking id', async (_label, uri) => {
    const booking = await bookedBooking('https://api.calendly.com/scheduled_events/EV-2/invitees/INV-2');
    const outcome = await handleInviteeEvent(webhook, canceled(booking, uri), plus(4_000));
    expect(outcome.cancellation).toEqual({ bookingId: booking.bookingId, outcome: 'other_invitee' });
    expect((await store.bookings.get(booking.bookingId))?.status).toBe('booked');
    expect(await isSlotFree(booking)).toBe(false);
  });

  it('mirrors an invitee under the numbers Calendly collected, and forgets it when canceled', async () => {
    const start = new Date(T0.getTime() + 3 * 86_400_000).toISOString();
    const appointment = {
      eventUri: 'https://api.calendly.com/scheduled_events/EV-W',
      inviteeUri: 'https://api.calendly.com/scheduled_events/EV-W/invitees/INV-W',
      eventTypeUri: 'https://api.calendly.com/event_types/ET-W',
      start,
      name: 'Grace Hopper',
      email: 'grace@example.com',
      bookingId: null,
    };
    const event = (name: string): InviteeEvent => ({
      event: name,
      bookingId: null,
      inviteeUri: appointment.inviteeUri,
      eventTypeUri: appointment.eventTypeUri,
      start,
      appointment,
      phoneFields: ['+1 415 555 0190', 'not a number', '+14155550191'],
    });
    const created = await handleInviteeEvent(webhook, event('invitee.created'), T0);
    expect(created.mirroredPhones).toBe(2);
    expect(await store.appointments.upcoming('+14155550190', T0, 5)).toEqual([appointment]);
    expect(await store.appointments.upcoming('+14155550191', T0, 5)).toEqual([appointment]);
    // Only upcoming ones are listed.
    expect(await store.appointments.upcoming('+14155550190', new Date(Date.parse(start) + 1), 5)).toEqual([]);

    await handleInviteeEvent(webhook, event('invitee.canceled'), plus(1_000));
    expect(await store.appointments.upcoming('+14155550190', T0, 5)).toEqual([]);
    expect(await store.appointments.upcoming('+14155550191', T0, 5)).toEqual([]);
  });

  it('frees our slot even when invalidating the cache fails, and still fails so Calendly redelivers', async () => {
    const invitee = 'https://api.calendly.com/scheduled_events/EV-3/invitees/INV-3';
    const booking = await bookedBooking(invitee);
    const brokenCache: AvailabilityCachePort = {
      ...webhook.cache,
      invalidate: async () => {
        throw new Error('cache unavailable');
      },
    };
    await expect(
      handleInviteeEvent({ ...webhook, cache: brokenCache }, canceled(booking, invitee), plus(4_000)),
    ).rejects.toThrow('cache unavailable');
    expect((await store.bookings.get(booking.bookingId))?.status).toBe('canceled');
    // The redelivery finds the booking canceled already and completes.
    const again = await handleInviteeEvent(webhook, canceled(booking, invitee), plus(6_000));
    expect(again.cancellation?.outcome).toBe('not_booked');
    expect(again.invalidatedDays).toHaveLength(3);
  });
});
