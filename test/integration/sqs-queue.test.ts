import { createHash, randomUUID } from 'node:crypto';
import {
  GetQueueAttributesCommand,
  QueueDoesNotExist,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock, type ManualClock } from '../../infra/local/clock.ts';
import {
  type LocalQueue,
  type LocalQueueEvent,
  type LocalQueueOptions,
  type SqsConsumer,
  startLocalQueue,
} from '../../infra/local/sqs-queue.ts';

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

interface Harness {
  queue: LocalQueue;
  /** The real SDK client, configured only through AWS_ENDPOINT_URL_SQS like a deployed function. */
  sqs: SQSClient;
  /** Every event the consumer received, in order. */
  batches: SQSEvent[];
  contexts: Context[];
  events: LocalQueueEvent[];
}

const running: Harness[] = [];

afterEach(async () => {
  for (const harness of running.splice(0)) {
    harness.sqs.destroy();
    await harness.queue.stop();
  }
});

/** Starts a queue whose consumer records each batch and then defers to `handle`. */
async function startQueue(
  handle: (
    event: SQSEvent,
    harness: Harness,
  ) => Promise<SQSBatchResponse | undefined> | SQSBatchResponse | undefined,
  options: Partial<Omit<LocalQueueOptions, 'consumer'>> = {},
): Promise<Harness> {
  const harness = { batches: [], contexts: [], events: [] } as unknown as Harness;
  const consumer: SqsConsumer = async (event, context) => {
    harness.batches.push(event);
    harness.contexts.push(context);
    return handle(event, harness);
  };
  harness.queue = await startLocalQueue({
    queueName: `booking-${randomUUID().slice(0, 8)}`,
    consumer,
    onEvent: (event) => harness.events.push(event),
    ...options,
  });
  process.env.AWS_ENDPOINT_URL_SQS = harness.queue.endpoint;
  harness.sqs = new SQSClient({});
  running.push(harness);
  return harness;
}

const ok = () => undefined;

/**
 * Sends `bodies` so they become visible at the same moment (one second from now on `clock`), as a burst of
 * sends does in AWS: the next poll then takes them in one batch.
 */
async function sendTogether(harness: Harness, clock: ManualClock, bodies: readonly string[]): Promise<void> {
  for (const body of bodies) {
    await harness.sqs.send(
      new SendMessageCommand({ QueueUrl: harness.queue.queueUrl, MessageBody: body, DelaySeconds: 1 }),
    );
  }
  await harness.queue.settled();
  clock.advance(1_000);
}

/** Waits in real time for something asynchronous (an HTTP round trip, a batch) to have happened. */
async function waitUntil(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('local SQS queue with the real SQS client', () => {
  it('delivers a sent message as one SQS record shaped like a Lambda event', async () => {
    const { queue, sqs, batches, contexts } = await startQueue(ok);
    const body = JSON.stringify({ bookingId: 'B1', note: 'café' });
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: body }));
    await queue.drain();

    expect(sent.MD5OfMessageBody).toBe(md5(body));
    expect(batches).toHaveLength(1);
    expect(batches[0]?.Records).toHaveLength(1);
    const record = batches[0]?.Records[0];
    expect(record).toMatchObject({
      messageId: sent.MessageId,
      body,
      md5OfBody: md5(body),
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queue.queueUrl.split('/').at(-1)}`,
      awsRegion: 'us-east-1',
      messageAttributes: {},
    });
    expect(record?.receiptHandle).toEqual(expect.any(String));
    expect(record?.attributes.ApproximateReceiveCount).toBe('1');
    expect(record?.attributes.SenderId).not.toBe('');
    const sentAt = Number(record?.attributes.SentTimestamp);
    expect(Number(record?.attributes.ApproximateFirstReceiveTimestamp)).toBeGreaterThanOrEqual(sentAt);
    expect(contexts[0]?.functionName).toBe('booking-worker');
    expect(contexts[0]?.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(queue.stats()).toMatchObject({ sent: 1, deleted: 1, visible: 0, inFlight: 0, deadLettered: 0 });
  });

  it('holds a message back for its DelaySeconds', async () => {
    const clock = createManualClock();
    const { queue, sqs, batches } = await startQueue(ok, { clock });
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: 'later', DelaySeconds: 5 }),
    );
    await queue.settled();
    expect(queue.stats()).toMatchObject({ visible: 0, delayed: 1 });

    clock.advance(4_999);
    await queue.settled();
    expect(batches).toHaveLength(0);

    clock.advance(1);
    await queue.drain();
    expect(batches).toHaveLength(1);
    const attributesOfRecord = batches[0]?.Records[0]?.attributes;
    expect(
      Number(attributesOfRecord?.ApproximateFirstReceiveTimestamp) -
        Number(attributesOfRecord?.SentTimestamp),
    ).toBe(5_000);
  });

  it('redelivers only the batch item failures, after the visibility timeout, with ApproximateReceiveCount 2', async () => {
    const clock = createManualClock();
    const harness = await startQueue(
      (event, harness) => {
        if (harness.batches.length > 1) return undefined;
        const failing = event.Records.filter((record) => record.body === 'two');
        return { batchItemFailures: failing.map((record) => ({ itemIdentifier: record.messageId })) };
      },
      { clock, visibilityTimeoutSeconds: 30 },
    );
    const { queue, batches } = harness;
    await sendTogether(harness, clock, ['one', 'two', 'three']);
    await queue.settled();
    expect(batches).toHaveLength(1);
    expect(batches[0]?.Records.map((record) => record.body)).toEqual(['one', 'two', 'three']);
    expect(queue.stats()).toMatchObject({ deleted: 2, inFlight: 1, visible: 0 });

    clock.advance(29_999);
    await queue.settled();
    expect(batches).toHaveLength(1);

    clock.advance(1);
    await queue.drain();
    expect(batches).toHaveLength(2);
    const first = batches[0]?.Records.find((record) => record.body === 'two');
    const again = batches[1]?.Records;
    expect(again).toHaveLength(1);
    expect(again?.[0]).toMatchObject({ messageId: first?.messageId, body: 'two' });
    expect(again?.[0]?.attributes.ApproximateReceiveCount).toBe('2');
    expect(again?.[0]?.attributes.ApproximateFirstReceiveTimestamp).toBe(
      first?.attributes.ApproximateFirstReceiveTimestamp,
    );
    expect(again?.[0]?.receiptHandle).not.toBe(first?.receiptHandle);
    expect(queue.stats()).toMatchObject({ deleted: 3, received: 4, deadLettered: 0 });
  });

  it('moves a message to the dead-letter list once it has been received maxReceiveCount times', async () => {
    const clock = createManualClock();
    const { queue, sqs, batches, events } = await startQueue(
      (event) => ({
        batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })),
      }),
      { clock, visibilityTimeoutSeconds: 30, maxReceiveCount: 3 },
    );
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: 'poison' }));
    for (let receive = 1; receive <= 3; receive++) {
      await queue.settled();
      expect(batches).toHaveLength(receive);
      clock.advance(30_000);
    }
    await queue.drain();

    expect(batches.map((batch) => batch.Records[0]?.attributes.ApproximateReceiveCount)).toEqual([
      '1',
      '2',
      '3',
    ]);
    expect(queue.deadLetters()).toEqual([
      expect.objectContaining({ messageId: sent.MessageId, body: 'poison', receiveCount: 3 }),
    ]);
    expect(queue.stats()).toMatchObject({ deadLettered: 1, deleted: 0, visible: 0, inFlight: 0 });
    expect(events.filter((event) => event.type === 'dead-lettered')).toHaveLength(1);
  });

  it('retries the whole batch when the consumer throws', async () => {
    const clock = createManualClock();
    const harness = await startQueue(
      (_event, harness) => {
        if (harness.batches.length === 1) throw new Error('Calendly is down');
        return undefined;
      },
      { clock, visibilityTimeoutSeconds: 10 },
    );
    const { queue, batches, events } = harness;
    await sendTogether(harness, clock, ['A', 'B']);
    await queue.settled();
    expect(queue.stats()).toMatchObject({ deleted: 0, inFlight: 2 });
    expect(events.filter((event) => event.type === 'failed').map((event) => event.reason)).toEqual([
      'Error: Calendly is down',
      'Error: Calendly is down',
    ]);

    clock.advance(10_000);
    await queue.drain();
    expect(batches).toHaveLength(2);
    expect(
      batches[1]?.Records.map((record) => [record.body, record.attributes.ApproximateReceiveCount]),
    ).toEqual([
      ['A', '2'],
      ['B', '2'],
    ]);
    expect(queue.stats().deleted).toBe(2);
  });

  it('fails the whole batch when batchItemFailures names a message that is not in it', async () => {
    const clock = createManualClock();
    const { queue, sqs } = await startQueue(
      (_event, harness) =>
        harness.batches.length === 1 ? { batchItemFailures: [{ itemIdentifier: 'nope' }] } : undefined,
      { clock, visibilityTimeoutSeconds: 10 },
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: 'x' }));
    await queue.settled();
    expect(queue.stats()).toMatchObject({ deleted: 0, inFlight: 1 });
    clock.advance(10_000);
    await queue.drain();
    expect(queue.stats().deleted).toBe(1);
  });

  it('resolves drain only once the running batch has finished, and rejects it when time runs out', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { queue, sqs } = await startQueue(async () => {
      await gate;
      return undefined;
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: 'slow' }));
    await expect(queue.drain(100)).rejects.toThrow(/not drained after 100 ms/);
    expect(queue.stats()).toMatchObject({ running: 1, inFlight: 1 });
    release();
    await queue.drain();
    expect(queue.stats()).toMatchObject({ running: 0, deleted: 1 });
  });

  it('runs at most maxConcurrency batches at once', async () => {
    for (const maxConcurrency of [1, 2]) {
      let active = 0;
      let peak = 0;
      const clock = createManualClock();
      const harness = await startQueue(
        async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((resolve) => setTimeout(resolve, 20));
          active--;
          return undefined;
        },
        { batchSize: 1, maxConcurrency, clock },
      );
      const { queue } = harness;
      await sendTogether(harness, clock, ['a', 'b', 'c', 'd']);
      await queue.drain();
      expect(peak).toBe(maxConcurrency);
      expect(queue.stats()).toMatchObject({ invocations: 4, deleted: 4 });
    }
  });

  it('delivers a message again when its visibility runs out mid-batch, and only the latest receipt deletes it', async () => {
    const clock = createManualClock();
    let releaseFirst: () => void = () => {};
    const firstDone = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const { queue, sqs, batches } = await startQueue(
      async (_event, harness) => {
        if (harness.batches.length === 1) await firstDone;
        return undefined;
      },
      { clock, visibilityTimeoutSeconds: 10, maxConcurrency: 2 },
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: 'slow' }));
    await waitUntil(() => batches.length === 1);
    clock.advance(10_000);
    // The duplicate delivery succeeds and deletes the message while the first batch still runs.
    await waitUntil(() => queue.stats().deleted === 1);
    expect(queue.stats().running).toBe(1);
    expect(batches).toHaveLength(2);
    expect(batches[1]?.Records[0]?.attributes.ApproximateReceiveCount).toBe('2');
    releaseFirst();
    await queue.drain();
    expect(queue.stats()).toMatchObject({ deleted: 1, received: 2 });
  });

  it('fails a batch that runs past the function timeout', async () => {
    const clock = createManualClock();
    const { queue, sqs, events, batches } = await startQueue(
      (_event, harness) => (harness.batches.length === 1 ? new Promise<undefined>(() => {}) : undefined),
      { clock, visibilityTimeoutSeconds: 120 },
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: 'stuck' }));
    await waitUntil(() => batches.length === 1);
    clock.advance(30_000);
    await queue.settled();
    expect(events.find((event) => event.type === 'failed')?.reason).toContain(
      'Task timed out after 30 seconds',
    );
    clock.advance(90_000);
    await queue.drain();
    expect(queue.stats()).toMatchObject({ deleted: 1, received: 2 });
  });

  it('answers an unknown queue, a bad delay and operations the product never calls with the exceptions AWS uses', async () => {
    const { queue, sqs } = await startQueue(ok);
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: `${queue.queueUrl}-missing`, MessageBody: 'x' })),
    ).rejects.toBeInstanceOf(QueueDoesNotExist);
    await expect(
      sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.queueUrl, AttributeNames: ['All'] })),
    ).rejects.toMatchObject({ name: 'UnsupportedOperation' });
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: 'x', DelaySeconds: 901 })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('gives producers BOOKING_QUEUE_URL and AWS_ENDPOINT_URL_SQS to run unchanged', async () => {
    const { queue } = await startQueue(ok);
    expect(queue.environment).toEqual({
      BOOKING_QUEUE_URL: queue.queueUrl,
      AWS_ENDPOINT_URL_SQS: queue.endpoint,
    });
    expect(queue.queueUrl.startsWith(`${queue.endpoint}/000000000000/`)).toBe(true);
  });
});
