import { randomUUID } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localDynamoDbClient } from '../../infra/local/dynamodb-local.ts';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import { createCalendlyClient } from '../../shared/adapters/calendly/client.ts';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.ts';
import { keys, pendingSortKey } from '../../shared/adapters/dynamodb/keys.ts';
import { createDynamoStore, type DynamoStore } from '../../shared/adapters/dynamodb/store.ts';
import { bookingFromHold } from '../../shared/domain/bookings.ts';
import { newHoldId } from '../../shared/domain/ids.ts';
import type { Booking } from '../../shared/domain/model.ts';
import type { CalendlyPort } from '../../shared/domain/ports.ts';
import { lambdaContext } from '../fixtures/http-events.ts';
import { upcomingWeekday } from '../fixtures/vapi-messages.ts';

type Worker = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
const ZONE = 'America/New_York';
/** CALENDLY_BOOKINGS_PER_MINUTE of this file's stack: the tests before the budget test use part of it. */
const BOOKINGS_PER_MINUTE = 14;

function sqsEvent(bookingId: string, copies = 1): SQSEvent {
  return {
    Records: Array.from({ length: copies }, () => ({
      messageId: randomUUID(),
      receiptHandle: randomUUID(),
      body: JSON.stringify({ bookingId }),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: 'test',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:booking',
      awsRegion: 'us-east-1',
    })),
  };
}

describe('booking worker (real handler, DynamoDB Local, Calendly sandbox)', () => {
  let stack: LocalStack;
  let store: DynamoStore;
  let calendly: CalendlyPort;
  let worker: Worker;
  const freeStarts: string[] = [];

  beforeAll(async () => {
    stack = await startLocalStack({
      dynamoEndpoint: inject('dynamoEndpoint'),
      env: { POWERTOOLS_LOG_LEVEL: 'SILENT', CALENDLY_BOOKINGS_PER_MINUTE: String(BOOKINGS_PER_MINUTE) },
    });
    store = createDynamoStore({
      tableName: stack.tableName,
      documentClient: createDocumentClient(localDynamoDbClient(stack.dynamoEndpoint)),
    });
    calendly = createCalendlyClient({
      baseUrl: stack.env.CALENDLY_API_BASE_URL ?? '',
      token: stack.env.CALENDLY_API_TOKEN ?? '',
    });
    worker = (await import('../../functions/booking-worker/handler.ts')).handler as unknown as Worker;
    const sandbox = stack.sandbox;
    if (!sandbox) throw new Error('sandbox expected');
    const days = new Set([2, 3, 4, 5, 6].map((offset) => upcomingWeekday(ZONE, offset)));
    for (const date of days) {
      const day = DateTime.fromISO(date, { zone: ZONE });
      const times = await calendly.listAvailableTimes(
        sandbox.eventTypes.consultation.uri,
        day.toUTC().toISO() ?? '',
        day.plus({ days: 1 }).toUTC().toISO() ?? '',
      );
      freeStarts.push(...times.map((time) => time.start));
    }
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const sandbox = () => {
    if (!stack.sandbox) throw new Error('sandbox expected');
    return stack.sandbox;
  };
  const inviteesFor = (bookingId: string) =>
    sandbox()
      .invitees()
      .filter((invitee) => invitee.tracking.utm_content === bookingId);

  /** A confirmed hold whose booking is queued but not yet sent to any worker. */
  async function queuedBooking(phone: string | null = '+14155550177'): Promise<Booking> {
    const start = freeStarts.shift();
    if (!start) throw new Error('ran out of free slots');
    const now = new Date();
    const held = await store.slots.hold({
      holdId: newHoldId(),
      call: { callId: `CA${randomUUID().replaceAll('-', '')}`, callerNumber: phone },
      slot: { eventTypeUri: sandbox().eventTypes.consultation.uri, start, durationMinutes: 30 },
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      now,
      leaseMs: 300_000,
      maxLiveHolds: 2,
    });
    if (held.kind !== 'held') throw new Error(held.kind);
    const booking = bookingFromHold(held.hold, { timezone: ZONE, now });
    const confirmed = await store.slots.confirm(held.hold, booking, now);
    if (confirmed.kind !== 'confirmed') throw new Error(confirmed.kind);
    return booking;
  }

  /** Calendly posts made by the tests themselves, standing in for a worker that crashed after posting. */
  let handPosts = 0;
  async function postByHand(booking: Booking) {
    handPosts++;
    return await calendly.createInvitee({
      eventTypeUri: booking.slot.eventTypeUri,
      start: booking.slot.start,
      invitee: { name: booking.name, email: booking.email, timezone: ZONE },
      trackingId: booking.bookingId,
    });
  }

  /** Moves a booking's timers into the past: what waiting out a delay or a crashed worker's lease looks like. */
  async function fastForward(bookingId: string, field: 'dueAt' | 'postingStartedAt', msAgo: number) {
    const at = Date.now() - msAgo;
    // The pending index sorts by due time, so moving dueAt moves the index key with it.
    const indexKey = field === 'dueAt' ? ', pendingSk = :sortKey' : '';
    await createDocumentClient(localDynamoDbClient(stack.dynamoEndpoint)).send(
      new UpdateCommand({
        TableName: stack.tableName,
        Key: keys.booking(bookingId),
        UpdateExpression: `SET ${field} = :at${indexKey}`,
        ExpressionAttributeValues: {
          ':at': at,
          ...(indexKey ? { ':sortKey': pendingSortKey(at, bookingId) } : {}),
        },
      }),
    );
  }

  it('creates one invitee and sends one SMS when the same message arrives three times', async () => {
    const booking = await queuedBooking('+14155550171');
    const response = await worker(sqsEvent(booking.bookingId, 3), lambdaContext());
    expect(response.batchItemFailures).toEqual([]);
    await Promise.all([1, 2].map(() => worker(sqsEvent(booking.bookingId), lambdaContext())));
    expect(inviteesFor(booking.bookingId)).toHaveLength(1);
    expect((await store.bookings.get(booking.bookingId))?.status).toBe('booked');
    expect(stack.outbox?.messages().filter((message) => message.to === '+14155550171')).toHaveLength(1);
  });

  it('finishes a cancellation whose tool call died, once, however often the message comes', async () => {
    const number = '+14155550178';
    const booking = await queuedBooking(number);
    await worker(sqsEvent(booking.bookingId), lambdaContext());
    const booked = await store.bookings.get(booking.bookingId);
    if (booked?.status !== 'booked') throw new Error(`expected booked, got ${booked?.status}`);
    const textsBefore = stack.outbox?.messages().filter((message) => message.to === number).length ?? 0;
    // cancel_booking moved it to `canceling` and died before telling Calendly; its lease has run out.
    const started = await store.bookings.startCancel(booked, 'CA-crashed-call', new Date(), {
      retryAt: new Date(Date.now() - 1_000),
    });
    expect(started.kind).toBe('started');
    const cancelsBefore = sandbox().requestCount('cancel_event');

    expect((await worker(sqsEvent(booking.bookingId, 2), lambdaContext())).batchItemFailures).toEqual([]);
    await worker(sqsEvent(booking.bookingId), lambdaContext());

    expect(sandbox().requestCount('cancel_event') - cancelsBefore).toBeGreaterThanOrEqual(1);
    expect(inviteesFor(booking.bookingId).map((invitee) => invitee.status)).toEqual(['canceled']);
    const stored = await store.bookings.get(booking.bookingId);
    expect(stored).toMatchObject({ status: 'canceled', canceledBy: 'CA-crashed-call' });
    const texts =
      stack.outbox
        ?.messages()
        .filter((message) => message.to === number)
        .slice(textsBefore) ?? [];
    expect(texts.map((text) => text.body)).toEqual([expect.stringContaining('is canceled')]);
    // The time is free again: another caller can hold it.
    const again = await store.slots.hold({
      holdId: newHoldId(),
      call: { callId: `CA${randomUUID().replaceAll('-', '')}`, callerNumber: null },
      slot: booking.slot,
      name: 'Grace Hopper',
      email: 'grace@example.com',
      now: new Date(),
      leaseMs: 300_000,
      maxLiveHolds: 2,
    });
    expect(again.kind).toBe('held');
  });

  it('finds the booking a crashed worker made instead of posting it again', async () => {
    const booking = await queuedBooking();
    // The crashed worker claimed the booking, and Calendly answered 201 just before the crash.
    const claim = await store.bookings.claim(booking.bookingId, new Date(), { staleAfterMs: 90_000 });
    expect(claim.kind).toBe('claimed');
    await postByHand(booking);
    const postsBefore = sandbox().requestCount('create_invitee');
    await fastForward(booking.bookingId, 'postingStartedAt', 120_000);

    await worker(sqsEvent(booking.bookingId), lambdaContext());
    expect(sandbox().requestCount('create_invitee')).toBe(postsBefore);
    expect(inviteesFor(booking.bookingId)).toHaveLength(1);
    const stored = await store.bookings.get(booking.bookingId);
    expect(stored?.status).toBe('booked');
    expect(stored?.calendly?.inviteeUri).toBe(inviteesFor(booking.bookingId)[0]?.uri);
  });

  it('reconciles after Calendly booked but the response was lost', async () => {
    const booking = await queuedBooking();
    sandbox().injectFault({ endpoint: 'create_invitee', status: 'drop', afterCommit: true });
    await worker(sqsEvent(booking.bookingId), lambdaContext());
    expect(inviteesFor(booking.bookingId)).toHaveLength(1);
    expect((await store.bookings.get(booking.bookingId))?.status).toBe('queued');

    await fastForward(booking.bookingId, 'dueAt', 1_000);
    const postsBefore = sandbox().requestCount('create_invitee');
    await worker(sqsEvent(booking.bookingId), lambdaContext());
    expect(sandbox().requestCount('create_invitee')).toBe(postsBefore);
    expect(inviteesFor(booking.bookingId)).toHaveLength(1);
    expect((await store.bookings.get(booking.bookingId))?.status).toBe('booked');
  });

  it.each([
    // The retry posts again and hears "not available": that is our own booking.
    ['"not available"', undefined],
    // Calendly documents no wording for a taken time: a refusal it does not recognise is looked up too.
    [
      'a refusal in words it does not know',
      { title: 'Invalid Argument', message: 'The supplied parameters are invalid.', details: [] },
    ],
  ])('believes its own lost post over %s while Calendly lists lag behind', async (_label, refusal) => {
    const booking = await queuedBooking();
    sandbox().injectFault({ endpoint: 'create_invitee', status: 'drop', afterCommit: true });
    await worker(sqsEvent(booking.bookingId), lambdaContext());
    expect(inviteesFor(booking.bookingId)).toHaveLength(1);

    // The retry cannot see our invitee in the list yet, so it posts, and is refused.
    sandbox().setListingLag(60_000);
    if (refusal) sandbox().injectFault({ endpoint: 'create_invitee', status: 400, body: refusal });
    await fastForward(booking.bookingId, 'dueAt', 1_000);
    await worker(sqsEvent(booking.bookingId), lambdaContext());
    expect(await store.bookings.get(booking.bookingId)).toMatchObject({ status: 'queued' });

    sandbox().setListingLag(0);
    await fastForward(booking.bookingId, 'dueAt', 1_000);
    await worker(sqsEvent(booking.bookingId), lambdaContext());
    expect((await store.bookings.get(booking.bookingId))?.status).toBe('booked');
    expect(inviteesFor(booking.bookingId)).toHaveLength(1);
  });

  it('puts a booking back with a delay on Calendly 5xx and books it on the next delivery', async () => {
    const booking = await queuedBooking();
    sandbox().injectFault({ endpoint: 'create_invitee', status: 503 });
    const first = await worker(sqsEvent(booking.bookingId), lambdaContext());
    expect(first.batchItemFailures).toEqual([]);
    const deferred = await store.bookings.get(booking.bookingId);
    expect(deferred).toMatchObject({ status: 'queued', attempts: 1 });
    expect(deferred?.dueAt).toBeGreaterThan(Date.now());

    // An early copy (the sweeper, a redelivery) does nothing while the booking is not due.
    await worker(sqsEvent(booking.bookingId), lambdaContext());
    expect((await store.bookings.get(booking.bookingId))?.attempts).toBe(1);

    await fastForward(booking.bookingId, 'dueAt', 1_000);
    await worker(sqsEvent(booking.bookingId), lambdaContext());
    expect(inviteesFor(booking.bookingId)).toHaveLength(1);
    expect((await store.bookings.get(booking.bookingId))?.status).toBe('booked');
  });

  it('never posts for a booking whose hold was lost, and does not disturb the new holder', async () => {
    const booking = await queuedBooking();
    // Someone else holds the slot now under a newer fence (e.g. after an operator released it).
    await createDocumentClient(localDynamoDbClient(stack.dynamoEndpoint)).send(
      new UpdateCommand({
        TableName: stack.tableName,
        Key: keys.slot(booking.slot.eventTypeUri, booking.slot.start),
        UpdateExpression:
          'SET holdId = :other, callId = :caller, fence = :fence, #state = :held, expiresAt = :later',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':other': 'H-OTHER001',
          ':caller': 'CA-other',
          ':fence': booking.fence + 1,
          ':held': 'held',
          ':later': Date.now() + 300_000,
        },
      }),
    );
    const postsBefore = sandbox().requestCount('create_invitee');
    await worker(sqsEvent(booking.bookingId), lambdaContext());
    expect(sandbox().requestCount('create_invitee')).toBe(postsBefore);
    expect(await store.bookings.get(booking.bookingId)).toMatchObject({
      status: 'failed',
      failure: { code: 'hold_lost' },
    });
    const { Item } = await createDocumentClient(localDynamoDbClient(stack.dynamoEndpoint)).send(
      new GetCommand({
        TableName: stack.tableName,
        Key: keys.slot(booking.slot.eventTypeUri, booking.slot.start),
      }),
    );
    expect(Item).toMatchObject({ state: 'held', holdId: 'H-OTHER001' });
  });

  it('retries the SMS on the next delivery when Twilio fails, and sends it once', async () => {
    const booking = await queuedBooking('+14155550172');
    stack.outbox?.failNext({ status: 503, code: 20503 });
    const first = await worker(sqsEvent(booking.bookingId), lambdaContext());
    expect(first.batchItemFailures).toHaveLength(1);
    expect((await store.bookings.get(booking.bookingId))?.status).toBe('booked');
    await worker(sqsEvent(booking.bookingId), lambdaContext());
    expect(stack.outbox?.messages().filter((message) => message.to === '+14155550172')).toHaveLength(1);
    expect(inviteesFor(booking.bookingId)).toHaveLength(1);
  });

  it('reports each batch its own failures when two batches run at once in one container', async () => {
    // X is booked but its SMS failed once: its next delivery only texts, and fails fast on a second 503.
    const textOnly = await queuedBooking('+14155550173');
    stack.outbox?.failNext({ status: 503, code: 20503 });
    await worker(sqsEvent(textOnly.bookingId), lambdaContext());
    const slow = await queuedBooking('+14155550174');
    stack.outbox?.failNext({ status: 503, code: 20503 });
    sandbox().setLatency(600, 'create_invitee');
    try {
      const first = sqsEvent(textOnly.bookingId);
      const [slowRecord] = sqsEvent(slow.bookingId).Records;
      if (slowRecord) first.Records.push(slowRecord);
      const firstBatch = worker(first, lambdaContext());
      // A second batch starts while the first has already failed X and still waits on Calendly for Y.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const second = sqsEvent('x');
      const [malformed] = second.Records;
      if (malformed) malformed.body = 'not json';
      const secondResponse = await worker(second, lambdaContext());

      expect(secondResponse.batchItemFailures).toEqual([]);
      expect((await firstBatch).batchItemFailures).toEqual([{ itemIdentifier: first.Records[0]?.messageId }]);
    } finally {
      sandbox().setLatency(0, 'create_invitee');
    }
    expect(inviteesFor(slow.bookingId)).toHaveLength(1);
  });

  /** One scheduled run of the real sweeper function. */
  async function sweepOnce(): Promise<{ requeued: number; oldestOverdueSeconds: number }> {
    const { handler } = await import('../../functions/booking-sweeper/handler.ts');
    return await handler({}, lambdaContext());
  }

  it('re-enqueues a booking whose queue message was lost, through the sweeper', async () => {
    const booking = await queuedBooking('+14155550173');
    // confirm_booking committed the booking, but its SendMessage never reached the queue.
    await fastForward(booking.bookingId, 'dueAt', 5 * 60_000);
    const swept = await sweepOnce();
    expect(swept.requeued).toBeGreaterThanOrEqual(1);
    expect(swept.oldestOverdueSeconds).toBeGreaterThanOrEqual(240);
    await expect
      .poll(async () => (await store.bookings.get(booking.bookingId))?.status, { timeout: 10_000 })
      .toBe('booked');
    expect(inviteesFor(booking.bookingId)).toHaveLength(1);
  });

  it('texts the caller through the sweeper when a worker died after recording the booking', async () => {
    const booking = await queuedBooking('+14155550175');
    // The dead worker claimed the booking, Calendly booked it, the worker recorded it, then died untexted.
    const claim = await store.bookings.claim(booking.bookingId, new Date(), { staleAfterMs: 90_000 });
    if (claim.kind !== 'claimed') throw new Error(claim.kind);
    const invitee = await postByHand(booking);
    await store.bookings.markBooked(claim.booking, invitee, new Date(), { smsOwed: true });
    await fastForward(booking.bookingId, 'dueAt', 5 * 60_000);
    const textsTo = () => stack.outbox?.messages().filter((message) => message.to === '+14155550175') ?? [];

    expect((await sweepOnce()).requeued).toBeGreaterThanOrEqual(1);
    await expect.poll(() => textsTo().length, { timeout: 10_000 }).toBe(1);
    // Texted: no longer due, so no later sweep texts it again.
    const stillDue = await store.bookings.listDue(new Date(Date.now() + 3_600_000), 500);
    expect(stillDue.map((due) => due.bookingId)).not.toContain(booking.bookingId);
    expect(textsTo()).toHaveLength(1);
    expect(textsTo()[0]?.body).toContain("You're booked");
    expect(inviteesFor(booking.bookingId)).toHaveLength(1);
  });

  it('drops a malformed message without failing the batch', async () => {
    const event = sqsEvent('x');
    const [record] = event.Records;
    if (!record) throw new Error('no record');
    record.body = 'not json';
    expect((await worker(event, lambdaContext())).batchItemFailures).toEqual([]);
  });

  it('stays inside the Calendly booking budget and queues the rest instead of dropping it', async () => {
    // The budget is per fixed minute. Twice the budget plus one cannot all fit even when a minute
    // boundary falls inside the test, so some of them must wait whatever the clock says.
    const bookings = await Promise.all(
      Array.from({ length: 2 * BOOKINGS_PER_MINUTE + 1 }, () => queuedBooking(null)),
    );
    for (const booking of bookings) await worker(sqsEvent(booking.bookingId), lambdaContext());
    const states = await Promise.all(bookings.map((booking) => store.bookings.get(booking.bookingId)));
    const booked = states.filter((state) => state?.status === 'booked');
    const waiting = states.filter((state) => state?.status === 'queued');
    expect(booked.length).toBeLessThanOrEqual(2 * BOOKINGS_PER_MINUTE);
    expect(booked.length + waiting.length).toBe(bookings.length);
    for (const state of waiting) expect(state?.dueAt).toBeGreaterThan(Date.now());
    expect(waiting.length).toBeGreaterThan(0);
    // Every deferred booking has its delayed message on the queue: nothing is dropped.
    expect(stack.queue.stats().delayed).toBeGreaterThanOrEqual(waiting.length);
    // Per fixed minute, Calendly saw at most the budget, plus the posts the tests made by hand.
    const perMinute = new Map<number, number>();
    for (const request of sandbox().requests()) {
      if (request.endpoint !== 'create_invitee') continue;
      const minute = Math.floor(Date.parse(request.at) / 60_000);
      perMinute.set(minute, (perMinute.get(minute) ?? 0) + 1);
    }
    expect(Math.max(...perMinute.values())).toBeLessThanOrEqual(BOOKINGS_PER_MINUTE + handPosts);
  });
});
