import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localDynamoDbClient } from '../../infra/local/dynamodb-local.ts';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.ts';
import { createDynamoStore } from '../../shared/adapters/dynamodb/store.ts';
import { calendlySignatureHeader } from '../fixtures/signers.ts';
import {
  newCall,
  postVapi,
  resultOf,
  type TestCall,
  toolCallsMessage,
  upcomingWeekday,
} from '../fixtures/vapi-messages.ts';

const SECRET = 'webhook-test-vapi-secret-0123456789';
const SIGNING_KEY = 'webhook-test-calendly-signing-key';
const ZONE = 'America/New_York';

describe('POST /calendly/webhook', () => {
  let stack: LocalStack;
  const db = () => createDocumentClient(localDynamoDbClient(stack.dynamoEndpoint));

  beforeAll(async () => {
    stack = await startLocalStack({
      dynamoEndpoint: inject('dynamoEndpoint'),
      env: {
        VAPI_SERVER_SECRET: SECRET,
        CALENDLY_WEBHOOK_SIGNING_KEY: SIGNING_KEY,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      },
    });
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

  async function tool(call: TestCall, name: string, args: unknown) {
    return resultOf(
      (await postVapi(stack.apiUrl, '/vapi/tools', toolCallsMessage(call, [{ name, args }]), SECRET)).body,
    );
  }

  async function itemCount(): Promise<number> {
    const { Items } = await db().send(new ScanCommand({ TableName: stack.tableName, ConsistentRead: true }));
    return Items?.length ?? 0;
  }

  it('frees our slot when a booking we made is canceled in Calendly', async () => {
    const subscription = await calendly('POST', '/webhook_subscriptions', {
      url: `${stack.apiUrl}/calendly/webhook`,
      events: ['invitee.created', 'invitee.canceled'],
      organization: sandbox().user.organizationUri,
      user: sandbox().user.uri,
      scope: 'user',
      signing_key: SIGNING_KEY,
    });
    expect(subscription.status).toBe(201);

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
    const before = await itemCount();
    const response = await fetch(`${stack.apiUrl}/calendly/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headersFor(body) },
      body,
    });
    expect(response.status).toBe(401);
    expect(await itemCount()).toBe(before);
  });

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
