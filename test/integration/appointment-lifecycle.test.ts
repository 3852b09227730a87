import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_FOUND_SAY } from '../../functions/vapi-tools/tools/find-booking.ts';
import {
  type Found,
  type LifecycleStack,
  startLifecycleStack,
  LIFECYCLE_ZONE as ZONE,
} from '../fixtures/phone-lifecycle.ts';
import { newCall } from '../fixtures/vapi-messages.ts';

describe('finding and canceling an appointment by phone (local API, DynamoDB Local, Calendly sandbox)', () => {
  let life: LifecycleStack;
  const stack = () => life.stack;
  const sandbox = () => life.sandbox();
  const tool: LifecycleStack['tool'] = (...args) => life.tool(...args);
  const store = () => life.store();
  const textsTo = (number: string) => life.textsTo(number);
  const freeStart = (service: 'Consultation' | 'Cleaning') => life.freeStart(service);
  const bookByPhone = (number: string) => life.bookByPhone(number);
  const find: LifecycleStack['find'] = (...args) => life.find(...args);

  beforeAll(async () => {
    life = await startLifecycleStack();
  });

  afterAll(async () => {
    await life?.stack.stop();
  });

  it("finds the caller's own booking by the number they call from", async () => {
    const booked = await bookByPhone('+14155550301');
    const found = await find(newCall('+14155550301'));
    expect(found).toMatchObject({ ok: true, timezone: ZONE });
    const bookings = found.bookings as Found[];
    expect(bookings).toHaveLength(1);
    const service = (await store().bookings.get(booked.bookingId))?.slot.eventTypeUri;
    const name = sandbox().eventTypes.all.find((type) => type.uri === service)?.name;
    expect(bookings[0]).toMatchObject({ ref: 'A1', start: booked.start, service: name });
    expect(bookings[0]?.spoken).toMatch(/Eastern Time/);
    expect(found.say).toContain(String(name));
  });

  it('shows a caller from another number nothing, in the words it uses when there is nothing at all', async () => {
    await bookByPhone('+14155550302');
    const stranger = await find(newCall('+14155550392'));
    const nobody = await find(newCall('+14155550393'));
    expect(stranger).toEqual(nobody);
    expect(stranger).toMatchObject({ ok: false, error: 'not_found', say: NOT_FOUND_SAY });
  });

  it("finds an appointment made on Calendly's own page by the number Calendly collected", async () => {
    const start = await freeStart('Cleaning');
    sandbox().bookElsewhere(sandbox().eventTypes.cleaning.uri, start, {
      name: 'Grace Hopper',
      email: 'grace@example.com',
      // Written as people type it; Calendly keeps it as given.
      textReminderNumber: '+1 (415) 555-0303',
    });
    await sandbox().settleWebhooks();
    const found = await find(newCall('+14155550303'));
    expect(found.bookings).toEqual([expect.objectContaining({ ref: 'A1', start, service: 'Cleaning' })]);
  });

  it('finds by email only together with the name the appointment is under', async () => {
    const start = await freeStart('Consultation');
    sandbox().bookElsewhere(sandbox().eventTypes.consultation.uri, start, {
      name: 'Katherine Johnson',
      email: 'katherine@example.com',
    });
    await sandbox().settleWebhooks();
    const caller = newCall('+14155550304');
    const right = await find(caller, { email: 'Katherine@Example.com', name: 'katherine johnson' });
    expect(right.bookings).toEqual([expect.objectContaining({ start, service: 'Consultation' })]);

    const wrongName = await find(newCall('+14155550394'), {
      email: 'katherine@example.com',
      name: 'Kate Smith',
    });
    const noSuchEmail = await find(newCall('+14155550395'), {
      email: 'nobody@example.com',
      name: 'Kate Smith',
    });
    expect(wrongName).toEqual(noSuchEmail);
    expect(wrongName).toMatchObject({ ok: false, error: 'not_found' });

    const emailOnly = await find(newCall('+14155550396'), { email: 'katherine@example.com' });
    expect(emailOnly).toMatchObject({ ok: false, error: 'invalid_arguments', fields: ['name'] });
    expect(JSON.stringify(emailOnly)).not.toContain(start);
  });

  it('stops answering a call after three lookups that found nothing, even with the right details', async () => {
    const start = await freeStart('Consultation');
    sandbox().bookElsewhere(sandbox().eventTypes.consultation.uri, start, {
      name: 'Mary Jackson',
      email: 'mary@example.com',
    });
    await sandbox().settleWebhooks();
    const guesser = newCall('+14155550305');
    for (const name of ['Mary Smith', 'Mary Jones', 'Mary Brown']) {
      expect(await find(guesser, { email: 'mary@example.com', name })).toMatchObject({ error: 'not_found' });
    }
    const fourth = await find(guesser, { email: 'mary@example.com', name: 'Mary Jackson' });
    expect(fourth).toMatchObject({ ok: false, error: 'too_many_lookups' });
    // Another call is not affected.
    expect((await find(newCall(), { email: 'mary@example.com', name: 'Mary Jackson' })).ok).toBe(true);
  });

  it('cancels our booking once however often the request is replayed, frees the time and texts once', async () => {
    const number = '+14155550306';
    const booked = await bookByPhone(number);
    const call = newCall(number);
    const [found] = (await find(call)).bookings as Found[];
    sandbox().clearRequests();
    const textsBefore = textsTo(number).length;

    const answers = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      answers.push(await tool(call, 'cancel_booking', { booking_ref: found?.ref }, 'cancel-tool-call-1'));
    }
    // The model asking again with a new tool call id hears the same: it is canceled, by this call.
    answers.push(await tool(call, 'cancel_booking', { booking_ref: found?.ref }, 'cancel-tool-call-2'));
    for (const answer of answers) {
      expect(answer).toMatchObject({ ok: true, status: 'canceled', booking_id: booked.bookingId });
      expect(answer.already).toBeUndefined();
    }
    expect(sandbox().requestCount('cancel_event')).toBe(1);
    const [event] = sandbox()
      .invitees()
      .filter((invitee) => Date.parse(invitee.start) === Date.parse(booked.start));
    expect(event?.status).toBe('canceled');
    expect((await store().bookings.get(booked.bookingId))?.status).toBe('canceled');

    await stack().queue.drain(5_000);
    await sandbox().settleWebhooks();
    const texts = textsTo(number).slice(textsBefore);
    expect(texts).toHaveLength(1);
    expect(texts[0]?.body).toContain('is canceled');
    // The time is free again for the next caller, and the caller's number no longer finds it.
    const again = (await tool(newCall(), 'check_availability', { date: booked.start.slice(0, 10) }))
      .slots as {
      start: string;
    }[];
    expect(again.map((slot) => slot.start)).toContain(booked.start);
    expect(await find(newCall(number))).toMatchObject({ ok: false, error: 'not_found' });
  });

  it('lets one of two calls racing to cancel the same booking cancel it, and tells the other', async () => {
    const number = '+14155550311';
    const booked = await bookByPhone(number);
    const [first, second] = [newCall(number), newCall(number)];
    const refs = await Promise.all([find(first), find(second)]);
    const [a, b] = refs.map((found) => (found.bookings as Found[])[0]?.ref);
    sandbox().clearRequests();
    const textsBefore = textsTo(number).length;

    const answers = await Promise.all([
      tool(first, 'cancel_booking', { booking_ref: a }),
      tool(second, 'cancel_booking', { booking_ref: b }),
    ]);
    for (const answer of answers) expect(answer).toMatchObject({ ok: true, status: 'canceled' });
    expect(answers.filter((answer) => answer.already === true)).toHaveLength(1);
    expect(sandbox().requestCount('cancel_event')).toBe(1);
    expect((await store().bookings.get(booked.bookingId))?.status).toBe('canceled');
    await stack().queue.drain(5_000);
    expect(textsTo(number).length - textsBefore).toBe(1);
  });

  it('answers truthfully when our booking was canceled on Calendly meanwhile', async () => {
    const number = '+14155550307';
    const booked = await bookByPhone(number);
    const call = newCall(number);
    const [found] = (await find(call)).bookings as Found[];
    const [invitee] = sandbox()
      .invitees()
      .filter((item) => item.status === 'active' && Date.parse(item.start) === Date.parse(booked.start));
    if (!invitee) throw new Error('invitee expected');
    sandbox().cancelElsewhere(invitee.uri);
    await sandbox().settleWebhooks();
    const textsBefore = textsTo(number).length;

    const answer = await tool(call, 'cancel_booking', { booking_ref: found?.ref });
    expect(answer).toMatchObject({ ok: true, status: 'canceled', already: true });
    expect(answer.say).toMatch(/already canceled/);
    await stack().queue.drain(5_000);
    expect(textsTo(number).length).toBe(textsBefore);
  });

  it("cancels an appointment made on Calendly's page, texts the caller, and says so only once", async () => {
    const number = '+14155550308';
    const start = await freeStart('Consultation');
    const invitee = sandbox().bookElsewhere(sandbox().eventTypes.consultation.uri, start, {
      name: 'Dorothy Vaughan',
      email: 'dorothy@example.com',
      questionsAndAnswers: [{ question: 'Best number to reach you', answer: '+1 415 555 0308', position: 0 }],
    });
    await sandbox().settleWebhooks();
    const call = newCall(number);
    const [found] = (await find(call)).bookings as Found[];
    expect(found?.start).toBe(start);

    const first = await tool(call, 'cancel_booking', { booking_ref: found?.ref });
    expect(first).toMatchObject({ ok: true, status: 'canceled', booking_id: null });
    const second = await tool(call, 'cancel_booking', { booking_ref: found?.ref });
    expect(second).toMatchObject({ ok: true, status: 'canceled' });
    expect(second.already).toBeUndefined();
    expect(
      sandbox()
        .invitees()
        .find((item) => item.uri === invitee.uri)?.status,
    ).toBe('canceled');
    expect(textsTo(number).filter((text) => text.body.includes('is canceled'))).toHaveLength(1);
  });

  it("follows a reschedule made with Calendly's own link: the caller finds the new time, not the old", async () => {
    const number = '+14155550309';
    const [oldStart, newStart] = [await freeStart('Cleaning'), await freeStart('Cleaning')];
    const invitee = sandbox().bookElsewhere(sandbox().eventTypes.cleaning.uri, oldStart, {
      name: 'Annie Easley',
      email: 'annie@example.com',
      textReminderNumber: number,
    });
    sandbox().rescheduleElsewhere(invitee.uri, newStart);
    await sandbox().settleWebhooks();
    const found = (await find(newCall(number))).bookings as Found[];
    expect(found.map((booking) => booking.start)).toEqual([newStart]);
  });

  it('knows only the refs it gave this call', async () => {
    const number = '+14155550310';
    await bookByPhone(number);
    const first = newCall(number);
    const [found] = (await find(first)).bookings as Found[];
    const other = newCall(number);
    const answer = await tool(other, 'cancel_booking', { booking_ref: found?.ref });
    expect(answer).toMatchObject({ ok: false, error: 'unknown_booking' });
  });
});
