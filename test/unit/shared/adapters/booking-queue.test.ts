import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqsBookingQueue } from '../../../../shared/adapters/booking-queue.ts';

const sqs = mockClient(SQSClient);
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/bookings';

describe('createSqsBookingQueue', () => {
  afterEach(() => sqs.reset());

  it('sends only the booking id, never personal data', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    await createSqsBookingQueue({
      queueUrl: QUEUE_URL,
      client: new SQSClient({ region: 'us-east-1' }),
    }).enqueue('B-123');
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: QUEUE_URL,
      MessageBody: '{"bookingId":"B-123"}',
      DelaySeconds: 0,
    });
  });

  it('caps the delay at the 15 minutes SQS allows', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-2' });
    const queue = createSqsBookingQueue({
      queueUrl: QUEUE_URL,
      client: new SQSClient({ region: 'us-east-1' }),
    });
    await queue.enqueue('B-1', { delaySeconds: 3600 });
    await queue.enqueue('B-2', { delaySeconds: 12.4 });
    expect(sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input.DelaySeconds)).toEqual([
      900, 12,
    ]);
  });

  it('lets an SQS failure reach the caller', async () => {
    sqs.on(SendMessageCommand).rejects(new Error('ServiceUnavailable'));
    const queue = createSqsBookingQueue({
      queueUrl: QUEUE_URL,
      client: new SQSClient({ region: 'us-east-1' }),
    });
    await expect(queue.enqueue('B-3')).rejects.toThrow('ServiceUnavailable');
  });
});
