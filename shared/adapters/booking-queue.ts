/** The booking queue on SQS: one message per booking id; the booking itself lives in DynamoDB. */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { BookingMessage } from '../domain/bookings.ts';
import type { BookingQueuePort } from '../domain/ports.ts';

/** SQS caps DelaySeconds at 15 minutes; longer waits are re-enqueued by the worker or the sweeper. */
const MAX_DELAY_SECONDS = 900;

export function createSqsBookingQueue(options: { queueUrl: string; client?: SQSClient }): BookingQueuePort {
  const client = options.client ?? new SQSClient({});
  return {
    async enqueue(bookingId, { delaySeconds = 0 } = {}) {
      const body: BookingMessage = { bookingId };
      await client.send(
        new SendMessageCommand({
          QueueUrl: options.queueUrl,
          MessageBody: JSON.stringify(body),
          DelaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.round(delaySeconds))),
        }),
      );
    },
  };
}
