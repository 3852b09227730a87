import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendlySignatureHeader } from '../../infra/local/signers.ts';
import type { LocalStack } from '../../infra/local/stack.ts';
import { createDynamoStore } from '../../shared/adapters/dynamodb/store.ts';
import { itemCount, stackDb, startTestStack, toolCaller } from '../fixtures/test-stack.ts';
import { newCall, upcomingWeekday } from '../fixtures/vapi-messages.ts';

const SIGNING_KEY = 'webhook-test-calendly-signing-key';
const ZONE = 'America/New_York';

describe('POST /calendly/webhook', () => {
  let stack: LocalStack;
  let tool: ReturnType<typeof toolCaller>;
  const db = () => stackDb(stack);

  beforeAll(async () => {
    stack = await startTestStack({ env: { CALENDLY_WEBHOOK_SIGNING_KEY: SIGNING_KEY } });
    tool = toolCaller(stack);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const sandbox = () => {
    if (!stack.sandbox) throw new Error('sandbox expected');
    return stack.sandbox;
  };

  async function calendly(method: string, path: string, body?: unknown) {
    const response = await fetch(`${sandbox().url}${path}`, {
      method,
      headers: { authorization: `Bearer ${sandbox().token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('subscribes our webhook in the sandbox', async () => {
    const subscription = await calendly('POST', '/webhook_subscriptions', {
      url: `${stack.apiUrl}/calendly/webhook`,
      events: ['invitee.created', 'invitee.canceled'],
      organization: sandbox().user.organizationUri,
      user: sandbox().user.uri,
      scope: 'user',
      signing_key: SIGNING_KEY,
    });
    expect(subscription.status).toBe(201);
  });

  it('never holds or reads back a time that was booked elsewhere after it was offered', async () => {
    const caller = newCall('+14155550182');
    const slots = (await tool(caller, 'check_availability', { date: upcomingWeekday(ZONE, 4) })).slots as {
      id: string;
      start: string;
    }[];
    const [taken] = slots;
    if (!taken) throw new Error('no slot offered');
    // Someone books that time on Calendly's own page; Calendly tells us through the webhook.
    sandbox().bookElsewhere(sandbox().eventTypes.cleaning.uri, taken.start);
    await sandbox().settleWebhooks();

    const hold = await tool(caller, 'hold_slot', {
      slot_id: taken.id,
      name: 'Ada',
      email: 'ada@example.com',
    });
    expect(hold).toMatchObject({ ok: false, error: 'slot_taken' });
    expect((hold.slots as { start: string }[]).map((slot) => slot.start)).not.toContain(taken.start);
  });

  it('frees our slot when a booking we made is canceled in Calendly', async () => {
    const caller = newCall('+14155550181');
    const date = upcomingWeekday(ZONE, 3);
    const slots = (await tool(caller, 'check_availability', { date })).slots as {
      id: string;
      start: string;
    }[];
    const slot = slots[0];
    const hold = await tool(caller, 'hold_slot', {
      slot_id: slot?.id,
      name: 'Ada',
      email: 'ada@example.com',
    });
    const confirmed = await tool(caller, 'confirm_booking', { hold_id: hold.hold_id });
    expect(confirmed).toMatchObject({ ok: true, status: 'confirmed' });
    await sandbox().settleWebhooks();

    const store = createDynamoStore({ tableName: stack.tableName, documentClient: db() });
    const booking = await store.bookings.get(String(confirmed.booking_id));
    const eventUuid = booking?.calendly?.eventUri.split('/').pop();
    const cancel = await calendly('POST', `/scheduled_events/${eventUuid}/cancellation`, {
      reason: 'caller called back',
    });
    expect(cancel.status).toBe(201);
    await sandbox().settleWebhooks();

    const deliveries = sandbox().webhookDeliveries();
    expect(deliveries.every((delivery) => delivery.status === 200)).toBe(true);
    expect((await store.bookings.get(String(confirmed.booking_id)))?.status).toBe('canceled');
    // The next caller is offered that time again, at once: the cancel dropped the cached day too.
    const next = (await tool(newCall(), 'check_availability', { date })).slots as { start: string }[];
    expect(next.map((offer) => offer.start)).toContain(slot?.start);
  });

  it.each([
    ['no signature', () => ({})],
    [
      'a signature with the wrong key',
      (body: string) => ({
        'calendly-webhook-signature': calendlySignatureHeader('wrong-key-0123456789', body),
      }),
    ],
    [
      'a stale timestamp',
      (body: string) => ({
        'calendly-webhook-signature': calendlySignatureHeader(
          SIGNING_KEY,
          body,
          Math.floor(Date.now() / 1000) - 600,
        ),
      }),
    ],
  ])('rejects %s with 401 and changes nothing', async (_label, headersFor) => {
    const body = JSON.stringify({
      event: 'invitee.canceled',
      payload: {
        tracking: { utm_content: 'B-ANYTHING00001' },
        scheduled_event: {
          event_type: sandbox().eventTypes.consultation.uri,
          start_time: new Date().toISOString(),
        },
      },
    });
    const before = await itemCount(stack);
    const response = await fetch(`${stack.apiUrl}/calendly/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headersFor(body) },
      body,
    });
    expect(response.status).toBe(401);
    expect(await itemCount(stack)).toBe(before);
  });

  /** POSTs `body` to the webhook, signed with our key. */
  async function signedPost(body: string, contentType = 'application/json') {
    return await fetch(`${stack.apiUrl}/calendly/webhook`, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        'calendly-webhook-signature': calendlySignatureHeader(SIGNING_KEY, body),
      },
      body,
    });
  }

  it('keeps our booking when a cancellation of another invitee carries our booking id', async () => {
    const caller = newCall('+14155550182');
    const date = upcomingWeekday(ZONE, 4);
    const slots = (await tool(caller, 'check_availability', { date })).slots as {
      id: string;
      start: string;
    }[];
    const hold = await tool(caller, 'hold_slot', {
      slot_id: slots[0]?.id,
      name: 'Ada',
      email: 'ada@example.com',
    });
    const confirmed = await tool(caller, 'confirm_booking', { hold_id: hold.hold_id });
    expect(confirmed).toMatchObject({ ok: true, status: 'confirmed' });
    const bookingId = String(confirmed.booking_id);
    const store = createDynamoStore({ tableName: stack.tableName, documentClient: db() });
    const booking = await store.bookings.get(bookingId);
    expect(booking?.calendly?.inviteeUri).toBeTruthy();

    // Someone booked through the public link with utm_content=<our id>, then canceled that.
    const response = await signedPost(
      JSON.stringify({
        event: 'invitee.canceled',
        payload: {
          uri: `${booking?.calendly?.eventUri}/invitees/SOMEONE-ELSE`,
          tracking: { utm_content: bookingId },
          scheduled_event: { event_type: booking?.slot.eventTypeUri, start_time: booking?.slot.start },
        },
      }),
    );
    expect(response.status).toBe(200);
    expect((await store.bookings.get(bookingId))?.status).toBe('booked');
    const next = (await tool(newCall(), 'check_availability', { date })).slots as { start: string }[];
    expect(next.map((offer) => offer.start)).not.toContain(slots[0]?.start);
  });

  it.each([
    ['JSON that is not a Calendly event', '{"event":42,"payload":"x"}', 'application/json'],
    ['a body that is not JSON', '{"event":', 'application/json'],
    ['a body that is not declared JSON', 'event=invitee.canceled', 'application/x-www-form-urlencoded'],
    [
      'a start_time outside the calendar',
      JSON.stringify({
        event: 'invitee.created',
        payload: { scheduled_event: { start_time: '+275760-09-13T00:00:00.000Z' } },
      }),
      'application/json',
    ],
  ])(
    'acknowledges a signed request carrying %s with 200 and changes nothing',
    async (_label, body, contentType) => {
      const before = await itemCount(stack);
      const response = await signedPost(body, contentType);
      expect(response.status).toBe(200);
      expect(await itemCount(stack)).toBe(before);
    },
  );

  it('acknowledges an event it does not act on', async () => {
    const body = JSON.stringify({ event: 'routing_form_submission.created', payload: {} });
    const response = await fetch(`${stack.apiUrl}/calendly/webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'calendly-webhook-signature': calendlySignatureHeader(SIGNING_KEY, body),
      },
      body,
    });
    expect(response.status).toBe(200);
  });
});
