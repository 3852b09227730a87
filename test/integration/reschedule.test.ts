import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Found, type LifecycleStack, startLifecycleStack } from '../fixtures/phone-lifecycle.ts';
import { newCall, type TestCall } from '../fixtures/vapi-messages.ts';

describe('reschedule_booking (local API, DynamoDB Local, Calendly sandbox, in-process queue)', () => {
  let life: LifecycleStack;

  beforeAll(async () => {
    life = await startLifecycleStack();
  });

  afterAll(async () => {
    await life?.stack.stop();
  });

  /** The caller's appointment ref on `call`, found by the number it calls from. */
  async function refOn(call: TestCall): Promise<string> {
    const [found] = (await life.find(call)).bookings as Found[];
    if (!found) throw new Error('nothing found');
    return found.ref;
  }

  const statusOf = async (bookingId: string) => (await life.store().bookings.get(bookingId))?.status;

  it('books the new time, then cancels the old one, and texts the caller once', async () => {
    const number = '+14155550401';
    const booked = await life.bookByPhone(number);
    const call = newCall(number);
    const ref = await refOn(call);
    const [next] = await life.offered(call);
    const textsBefore = life.textsTo(number).length;

    const moved = await life.tool(call, 'reschedule_booking', { booking_ref: ref, slot_id: next?.id });
    expect(moved).toMatchObject({
      ok: true,
      // `pending` only when this machine is too busy for the worker to finish within the short wait.
      status: expect.stringMatching(/^(confirmed|pending)$/),
      slot: { id: next?.id, start: next?.start },
    });
    await life.stack.queue.drain(5_000);
    await life.sandbox().settleWebhooks();

    expect(life.activeAt(booked.start)).toEqual([]);
    expect(life.activeAt(String(next?.start))).toEqual([
      expect.objectContaining({ name: 'Ada Lovelace', email: 'ada@example.com' }),
    ]);
    expect(await statusOf(booked.bookingId)).toBe('canceled');
    expect(await statusOf(String(moved.booking_id))).toBe('booked');
    const texts = life.textsTo(number).slice(textsBefore);
    expect(texts.map((text) => text.body)).toEqual([expect.stringContaining('moved to')]);
    // The caller's number now finds the new time only, and the old time is free for anyone.
    const found = (await life.find(newCall(number))).bookings as Found[];
    expect(found.map((booking) => booking.start)).toEqual([next?.start]);
    const old = newCall('+14155550491');
    const again = (await life.tool(old, 'check_availability', { date: booked.start.slice(0, 10) })).slots as {
      start: string;
    }[];
    expect(again.map((slot) => slot.start)).toContain(booked.start);
  });

  it("moves an appointment made on Calendly's own page", async () => {
    const number = '+14155550402';
    const start = await life.freeStart('Consultation');
    const walkIn = life.sandbox().bookElsewhere(life.sandbox().eventTypes.consultation.uri, start, {
      name: 'Grace Hopper',
      email: 'grace@example.com',
      textReminderNumber: number,
    });
    await life.sandbox().settleWebhooks();
    const call = newCall(number);
    const ref = await refOn(call);
    const [next] = await life.offered(call, 'Consultation');

    const moved = await life.tool(call, 'reschedule_booking', { booking_ref: ref, slot_id: next?.id });
    expect(moved).toMatchObject({ ok: true, status: 'confirmed' });
    await life.stack.queue.drain(5_000);
    expect(
      life
        .sandbox()
        .invitees()
        .find((invitee) => invitee.uri === walkIn.uri)?.status,
    ).toBe('canceled');
    expect(life.activeAt(String(next?.start))).toEqual([
      expect.objectContaining({ name: 'Grace Hopper', email: 'grace@example.com' }),
    ]);
  });

  it('keeps the old appointment when the calendar gives the new time away before it is booked', async () => {
    const number = '+14155550403';
    const booked = await life.bookByPhone(number);
    const call = newCall(number);
    const ref = await refOn(call);
    const [next] = await life.offered(call);
    // Someone takes the new time on Calendly's page, and Calendly's webhook does not reach us in time.
    await life.pauseWebhooks();
    life.sandbox().bookElsewhere(life.sandbox().eventTypes.cleaning.uri, String(next?.start));
    let moved: Awaited<ReturnType<typeof life.tool>>;
    try {
      moved = await life.tool(call, 'reschedule_booking', { booking_ref: ref, slot_id: next?.id });
    } finally {
      await life.resumeWebhooks();
    }
    if (moved.ok) {
      // The machine was too busy for the short wait: the caller hears `pending`, and the text tells the rest.
      expect(moved.status).toBe('pending');
    } else {
      expect(moved).toMatchObject({ error: 'booking_failed', kept: true });
      expect(moved.say).toMatch(/stays as it was/);
    }
    await life.stack.queue.drain(5_000);
    expect(await statusOf(String(moved.booking_id))).toBe('failed');
    expect(await statusOf(booked.bookingId)).toBe('booked');
    expect(life.textsTo(number).at(-1)?.body).toMatch(/stays as it was/);
    expect(life.activeAt(booked.start)).toHaveLength(1);
    // It can be moved, or canceled, again.
    const canceled = await life.tool(call, 'cancel_booking', { booking_ref: ref });
    expect(canceled).toMatchObject({ ok: true, status: 'canceled' });
  });

  it('finishes the move on redelivery when canceling the old time failed after the new one was booked', async () => {
    const number = '+14155550404';
    const booked = await life.bookByPhone(number);
    const call = newCall(number);
    const ref = await refOn(call);
    const [next] = await life.offered(call);
    life.sandbox().injectFault({ endpoint: 'cancel_event', status: 500, times: 1 });
    life.sandbox().clearRequests();
    const textsBefore = life.textsTo(number).length;

    const moved = await life.tool(call, 'reschedule_booking', { booking_ref: ref, slot_id: next?.id });
    expect(moved).toMatchObject({ ok: true, booking_id: expect.any(String) });
    await life.stack.queue.drain(10_000);

    expect(
      life
        .sandbox()
        .firedFaults()
        .some((fault) => fault.endpoint === 'cancel_event'),
    ).toBe(true);
    expect(life.sandbox().requestCount('create_invitee')).toBe(1);
    expect(life.activeAt(booked.start)).toEqual([]);
    expect(life.activeAt(String(next?.start))).toHaveLength(1);
    expect(await statusOf(booked.bookingId)).toBe('canceled');
    const replacement = await life.store().bookings.get(String(moved.booking_id));
    expect(replacement?.replaces?.canceledAt).toEqual(expect.any(Number));
    expect(life.textsTo(number).slice(textsBefore)).toHaveLength(1);
  });

  it('lets a cancel and a reschedule racing on one booking end with at most one appointment, never two', async () => {
    const number = '+14155550405';
    const booked = await life.bookByPhone(number);
    const [mover, canceler] = [newCall(number), newCall(number)];
    const [moveRef, cancelRef] = await Promise.all([refOn(mover), refOn(canceler)]);
    const [next] = await life.offered(mover);

    const [moved, canceled] = await Promise.all([
      life.tool(mover, 'reschedule_booking', { booking_ref: moveRef, slot_id: next?.id }),
      life.tool(canceler, 'cancel_booking', { booking_ref: cancelRef }),
    ]);
    await life.stack.queue.drain(5_000);

    const active = [...life.activeAt(booked.start), ...life.activeAt(String(next?.start))];
    expect(active.length).toBeLessThanOrEqual(1);
    // Exactly one of them won, and the other said it could not.
    const movedWon = moved.ok === true;
    const cancelWon = canceled.ok === true && canceled.already !== true;
    expect(movedWon !== cancelWon).toBe(true);
    if (movedWon) {
      expect(canceled).toMatchObject({ ok: false, error: 'booking_changing' });
      expect(active.map((invitee) => Date.parse(invitee.start))).toEqual([Date.parse(String(next?.start))]);
    } else {
      expect(moved).toMatchObject({ ok: false, error: 'booking_changing' });
      expect(active).toEqual([]);
    }
  });

  it('answers a repeated move from the same call with the same booking, and moves nothing twice', async () => {
    const number = '+14155550406';
    await life.bookByPhone(number);
    const call = newCall(number);
    const ref = await refOn(call);
    const [next] = await life.offered(call);
    const first = await life.tool(call, 'reschedule_booking', { booking_ref: ref, slot_id: next?.id });
    const second = await life.tool(call, 'reschedule_booking', { booking_ref: ref, slot_id: next?.id });
    expect(second).toMatchObject({ ok: true, booking_id: first.booking_id });
    await life.stack.queue.drain(5_000);
    expect(life.activeAt(String(next?.start))).toHaveLength(1);
  });

  it('refuses a time this call was not offered and a ref it was not given', async () => {
    const number = '+14155550407';
    await life.bookByPhone(number);
    const call = newCall(number);
    const ref = await refOn(call);
    expect(await life.tool(call, 'reschedule_booking', { booking_ref: ref, slot_id: 'S99' })).toMatchObject({
      ok: false,
      error: 'unknown_slot',
    });
    const [next] = await life.offered(call);
    const stranger = newCall('+14155550497');
    const [strangerSlot] = await life.offered(stranger);
    expect(
      await life.tool(stranger, 'reschedule_booking', { booking_ref: ref, slot_id: strangerSlot?.id }),
    ).toMatchObject({ ok: false, error: 'unknown_booking' });
    expect(next).toBeDefined();
  });
});
