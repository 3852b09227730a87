/**
 * The Calendly directory (user, event types, schedule days) lives in one table item that the sweeper keeps
 * fresh, so a new container answers a caller without asking Calendly who we are, and a week-long search
 * asks nothing about the days the event type's schedule has no hours on: counted with the sandbox's request
 * log, through POST /vapi/tools, DynamoDB Local and the real sweeper function. Its own stack, so the counts
 * are this file's alone.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToolCallRunner } from '../../functions/vapi-tools/run-tool-calls.ts';
import { prepareToolCall } from '../../functions/vapi-tools/tools/catalog.ts';
import type { CalendlySandbox } from '../../infra/local/calendly-sandbox/server.ts';
import type { LocalStack } from '../../infra/local/stack.ts';
import { keys } from '../../shared/adapters/dynamodb/keys.ts';
import { lambdaContext } from '../fixtures/http-events.ts';
import { stackDb, startTestStack, toolCaller } from '../fixtures/test-stack.ts';
import { newCall } from '../fixtures/vapi-messages.ts';

const ZONE = 'America/New_York';
const DIRECTORY_ENDPOINTS = [
  'get_user',
  'list_event_types',
  'get_event_type',
  'availability_schedules',
] as const;

describe('the Calendly directory snapshot', () => {
  let stack: LocalStack;
  let sandbox: CalendlySandbox;
  let tool: ReturnType<typeof toolCaller>;

  beforeAll(async () => {
    // Two weeks bookable, so every weekday of next week has times and no search looks ahead.
    stack = await startTestStack({ sandbox: { days: 14 } });
    if (!stack.sandbox) throw new Error('the test stack runs on the sandbox');
    sandbox = stack.sandbox;
    tool = toolCaller(stack);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const directoryRequests = () =>
    Object.fromEntries(DIRECTORY_ENDPOINTS.map((endpoint) => [endpoint, sandbox.requestCount(endpoint)]));
  const noDirectoryRequests = Object.fromEntries(DIRECTORY_ENDPOINTS.map((endpoint) => [endpoint, 0]));

  async function storedSnapshot() {
    const { Item } = await stackDb(stack).send(
      new GetCommand({ TableName: stack.tableName, Key: keys.directory(), ConsistentRead: true }),
    );
    return Item as
      | { fetchedAt: number; user: { uri: string }; schedules: Record<string, unknown> }
      | undefined;
  }

  /** One scheduled run of the real sweeper function. */
  async function sweepOnce() {
    const { handler } = await import('../../functions/booking-sweeper/handler.ts');
    return (await handler({}, lambdaContext())) as { directory: { kind: string } };
  }

  /** Makes the stored snapshot look `ageMs` old. */
  async function age(ageMs: number) {
    await stackDb(stack).send(
      new UpdateCommand({
        TableName: stack.tableName,
        Key: keys.directory(),
        UpdateExpression: 'SET fetchedAt = :old',
        ExpressionAttributeValues: { ':old': Date.now() - ageMs },
      }),
    );
  }

  /** check_availability through a fresh composition of vapi-tools (a new container). */
  async function checkInNewContainer(args: Record<string, string>) {
    const { vapiToolsServices } = await import('../../shared/app/vapi-tools.ts');
    const services = await vapiToolsServices();
    const runner = createToolCallRunner(services.tools, services.replays);
    const [answer] = await runner.run(
      [
        {
          toolCallId: 'tc-1',
          name: 'check_availability',
          invocation: prepareToolCall('check_availability', args),
        },
      ],
      { callId: `CA-directory-${Math.random()}`, callerNumber: null },
    );
    return JSON.parse(answer?.result ?? '{}') as { ok: boolean; slots?: unknown[] };
  }

  it('is written by the sweeper when there is none, with the weekdays each schedule has hours on', async () => {
    expect(await storedSnapshot()).toBeUndefined();
    sandbox.clearRequests();
    expect((await sweepOnce()).directory.kind).toBe('refreshed');
    const snapshot = await storedSnapshot();
    expect(snapshot?.user.uri).toBe(sandbox.user.uri);
    expect(snapshot?.schedules[sandbox.eventTypes.consultation.uri]).toEqual([
      { timezone: ZONE, weekdays: [1, 2, 3, 4, 5], overrideDates: [] },
    ]);
    expect(sandbox.requestCount('get_user')).toBe(1);
    expect(sandbox.requestCount('availability_schedules')).toBeGreaterThanOrEqual(2);
  });

  it('is left alone by the sweeper while young, and refreshed once older than five minutes', async () => {
    const before = await storedSnapshot();
    sandbox.clearRequests();
    expect((await sweepOnce()).directory.kind).toBe('fresh');
    expect(directoryRequests()).toEqual(noDirectoryRequests);

    await age(6 * 60_000);
    expect((await sweepOnce()).directory.kind).toBe('refreshed');
    expect(sandbox.requestCount('get_user')).toBe(1);
    expect(sandbox.requestCount('list_event_types')).toBe(1);
    const after = await storedSnapshot();
    expect(after?.fetchedAt).toBeGreaterThan(before?.fetchedAt ?? Number.POSITIVE_INFINITY);
  });

  it('answers a new container with no Calendly directory request, and no request for next weekend', async () => {
    sandbox.clearRequests();
    // The stack's vapi-tools function has not run yet in this file: this is its cold start.
    const result = await tool(newCall(), 'check_availability', { when: 'next week' });
    expect(result.ok).toBe(true);
    expect((result.slots as unknown[]).length).toBeGreaterThan(0);
    expect(directoryRequests()).toEqual(noDirectoryRequests);
    // Monday to Friday only: the schedule has no hours on Saturday or Sunday.
    expect(sandbox.requestCount('available_times')).toBe(5);
  });

  it('answers another new composition of vapi-tools without asking Calendly who we are', async () => {
    sandbox.clearRequests();
    expect((await checkInNewContainer({ service: 'cleaning', when: 'tomorrow' })).ok).toBe(true);
    expect(directoryRequests()).toEqual(noDirectoryRequests);
  });

  it('stays served as it was when Calendly fails the refresh, and the sweeper run does not fail for it', async () => {
    await age(10 * 60_000);
    const before = await storedSnapshot();
    sandbox.injectFault({ endpoint: 'get_user', status: 503, times: 2 });
    try {
      expect((await sweepOnce()).directory.kind).toBe('failed');
    } finally {
      sandbox.clearFaults();
    }
    expect((await storedSnapshot())?.fetchedAt).toBe(before?.fetchedAt);
    sandbox.clearRequests();
    expect((await checkInNewContainer({ when: 'tomorrow' })).ok).toBe(true);
    expect(directoryRequests()).toEqual(noDirectoryRequests);
  });

  it('asks about every day, weekend included, when the token may not read availability schedules', async () => {
    await age(10 * 60_000);
    sandbox.injectFault({ endpoint: 'availability_schedules', status: 403, times: 100 });
    try {
      expect((await sweepOnce()).directory.kind).toBe('refreshed');
    } finally {
      sandbox.clearFaults();
    }
    expect((await storedSnapshot())?.schedules[sandbox.eventTypes.consultation.uri]).toBeNull();
    sandbox.clearRequests();
    // Consultation next week: the searches above were for the default service (Cleaning, first by name),
    // so none of these days is cached.
    const result = await checkInNewContainer({ service: 'consultation', when: 'next week' });
    expect(result.ok).toBe(true);
    expect(sandbox.requestCount('available_times')).toBe(7);
    expect(directoryRequests()).toEqual(noDirectoryRequests);
  });
});
