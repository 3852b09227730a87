import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDynamoDbClient } from '../../infra/local/dynamodb-local.ts';
import type { LocalStack } from '../../infra/local/stack.ts';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.ts';
import { createDynamoStore } from '../../shared/adapters/dynamodb/store.ts';
import { startTestStack, toolCaller } from '../fixtures/test-stack.ts';
import { newCall, upcomingWeekday } from '../fixtures/vapi-messages.ts';

describe('a confirmed booking while SQS is unreachable', () => {
  let stack: LocalStack;
  const sqs = mockClient(SQSClient);

  beforeAll(async () => {
    stack = await startTestStack();
    // Every SendMessage fails, as in an SQS outage (the functions' own clients are intercepted).
    sqs
      .on(SendMessageCommand)
      .rejects(Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable' }));
  });

  afterAll(async () => {
    sqs.restore();
    await stack?.stop();
  });

  it('answers pending, keeps the booking durable, and leaves it for the sweeper', async () => {
    const call = newCall('+14155550190');
    const callTool = toolCaller(stack);
    const tool = (name: string, args: unknown) => callTool(call, name, args);
    const offered = await tool('check_availability', { date: upcomingWeekday('America/New_York') });
    const slot = (offered.slots as { id: string }[])[0];
    const hold = await tool('hold_slot', { slot_id: slot?.id, name: 'Ada', email: 'ada@example.com' });
    const confirmed = await tool('confirm_booking', { hold_id: hold.hold_id });
    expect(confirmed).toMatchObject({ ok: true, status: 'pending' });
    expect(sqs.commandCalls(SendMessageCommand).length).toBeGreaterThan(0);

    const store = createDynamoStore({
      tableName: stack.tableName,
      documentClient: createDocumentClient(localDynamoDbClient(stack.dynamoEndpoint)),
    });
    expect((await store.bookings.get(String(confirmed.booking_id)))?.status).toBe('queued');
    // Two minutes on, the sweeper's query finds it overdue.
    const due = await store.bookings.listDue(new Date(Date.now() + 2 * 60_000 - 60_000), 50);
    expect(due.map((booking) => booking.bookingId)).toContain(confirmed.booking_id);
  });
});
